import EmuCore

extension ScheduledChange {
    static let columns = "resource_key, at, seq, body"

    // Served by state_changes_by_time (at, resource_key, seq): the window is one index range in the order asked
    // for, with no sort step, and each row is a rowid lookup near the previous one.
    static let selectWindow = """
        SELECT \(columns) FROM state_changes
        WHERE at > ?1 AND at <= ?2 ORDER BY at, resource_key, seq LIMIT ?3
        """
    // Served by the primary key's index: one range, already in (at, seq) order.
    static let selectByResource = "SELECT \(columns) FROM state_changes WHERE resource_key = ?1 ORDER BY at, seq"

    static let insert = "INSERT INTO state_changes (\(columns)) VALUES (?1, ?2, ?3, ?4)"
    static let deleteByResource = "DELETE FROM state_changes WHERE resource_key = ?1"
    /// Takes the values of `ResourceRecord.subtree(of:)`.
    static let deleteRange = "DELETE FROM state_changes WHERE resource_key >= ?1 AND resource_key < ?2"

    /// Decodes the current row of a statement selecting `columns`.
    init(row s: SQLiteStatement) throws(StoreError) {
        self.init(
            resourceKey: s.text(at: 0), at: Timestamp(ticks: s.int64(at: 1)), seq: s.int(at: 2),
            body: try s.json(at: 3) ?? .null)
    }

    /// The change's values in `columns` order.
    var sqlValues: [SQLiteValue] {
        [.text(resourceKey), .integer(at.ticks), .integer(seq), .utf8(body.serialized())]
    }
}
