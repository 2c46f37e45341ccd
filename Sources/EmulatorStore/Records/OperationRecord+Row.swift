import EmuCore

extension OperationRecord {
    static let columns =
        "id, subscription, location, kind, resource_key, api_version, start_time, end_time, outcome, error, result"

    static let selectByID = "SELECT \(columns) FROM operations WHERE id = ?1"
    static let insert = "INSERT INTO operations (\(columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    static let update = """
        UPDATE operations SET
            subscription = ?2, location = ?3, kind = ?4, resource_key = ?5, api_version = ?6, start_time = ?7,
            end_time = ?8, outcome = ?9, error = ?10, result = ?11
        WHERE id = ?1
        """
    static let deleteBySubscription = "DELETE FROM operations WHERE subscription = ?1"

    /// Decodes the current row of a statement selecting `columns`.
    init(row s: SQLiteStatement) throws(StoreError) {
        self.init(
            id: s.text(at: 0), subscription: s.text(at: 1), location: s.text(at: 2), kind: s.text(at: 3),
            resourceKey: s.text(at: 4), apiVersion: s.text(at: 5), startTime: Timestamp(ticks: s.int64(at: 6)),
            endTime: Timestamp(ticks: s.int64(at: 7)), outcome: s.text(at: 8), error: try s.json(at: 9),
            result: try s.json(at: 10))
    }

    /// The record's values in `columns` order; a nil `error` or `result` is SQL NULL, `.null` the text `null`.
    var sqlValues: [SQLiteValue] {
        [
            .text(id), .text(subscription), .text(location), .text(kind), .text(resourceKey), .text(apiVersion),
            .integer(startTime.ticks), .integer(endTime.ticks), .text(outcome),
            error.map { .utf8($0.serialized()) } ?? .null, result.map { .utf8($0.serialized()) } ?? .null,
        ]
    }
}
