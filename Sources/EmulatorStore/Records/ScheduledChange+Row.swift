import EmuCore

extension ScheduledChange {
    static let columns = "at, resource_key, seq, body"

    // Served by the primary key (at, resource_key, seq): one range in the order asked for, bodies in the rows.
    static let selectWindow = """
        SELECT \(columns) FROM state_changes
        WHERE at > ?1 AND at <= ?2 ORDER BY at, resource_key, seq LIMIT ?3
        """
    // The same range continued past a change: a row-value comparison is a range on the primary key too.
    static let selectWindowPast = """
        SELECT \(columns) FROM state_changes
        WHERE (at, resource_key, seq) > (?1, ?2, ?3) AND at <= ?4 ORDER BY at, resource_key, seq LIMIT ?5
        """
    // Served by state_changes_by_resource, whose entries carry (at, seq) after the key: already in order.
    static let selectByResource = "SELECT \(columns) FROM state_changes WHERE resource_key = ?1 ORDER BY at, seq"

    static let insert = "INSERT INTO state_changes (\(columns)) VALUES (?1, ?2, ?3, ?4)"
    static let deleteByResource = "DELETE FROM state_changes WHERE resource_key = ?1"
    /// Takes the values of `ResourceRecord.subtree(of:)`.
    static let deleteRange = "DELETE FROM state_changes WHERE resource_key >= ?1 AND resource_key < ?2"

    /// Decodes the current row of a statement selecting `columns`.
    init(row s: SQLiteStatement) throws(StoreError) {
        self.init(
            resourceKey: s.text(at: 1), at: Timestamp(ticks: s.int64(at: 0)), seq: s.int(at: 2),
            body: try s.json(at: 3) ?? .null)
    }

    /// The change's values in `columns` order.
    var sqlValues: [SQLiteValue] {
        [.integer(at.ticks), .text(resourceKey), .integer(seq), .utf8(body.serialized())]
    }
}

extension ScheduledChange.Position {
    /// The position of the current row of a statement selecting `ScheduledChange.columns`.
    init(row s: SQLiteStatement) {
        self.init(at: Timestamp(ticks: s.int64(at: 0)), resourceKey: s.text(at: 1), seq: s.int(at: 2))
    }
}
