import EmuCore

extension ScheduledChange {
    static let columns = "at, seq, resource_key, body"

    // Served by state_changes_by_time (at, seq): one range in the order asked for, each row then by rowid.
    static let selectWindow = """
        SELECT \(columns) FROM state_changes
        WHERE at > ?1 AND at <= ?2 ORDER BY at, seq LIMIT ?3
        """
    // The same range continued past a change: a row-value comparison is a range on the index too.
    static let selectWindowPast = """
        SELECT \(columns) FROM state_changes
        WHERE (at, seq) > (?1, ?2) AND at <= ?3 ORDER BY at, seq LIMIT ?4
        """
    // Served by state_changes_by_resource (resource_key, at, seq): already in order.
    static let selectByResource = "SELECT \(columns) FROM state_changes WHERE resource_key = ?1 ORDER BY at, seq"

    // The instant's next seq, found in the same statement: with `at` fixed, max(seq) reads state_changes_by_time
    // from the instant's last entry only (the min/max optimisation, sqlite.org/optoverview.html), and the new
    // entry goes at the end of the instant's range, the row at the end of the table.
    static let insert = """
        INSERT INTO state_changes (\(columns))
        VALUES (?1, (SELECT coalesce(max(seq), -1) + 1 FROM state_changes WHERE at = ?1), ?2, ?3)
        """
    static let deleteByResource = "DELETE FROM state_changes WHERE resource_key = ?1"
    /// Takes the values of `ResourceRecord.subtree(of:)`.
    static let deleteRange = "DELETE FROM state_changes WHERE resource_key >= ?1 AND resource_key < ?2"

    /// Decodes the current row of a statement selecting `columns`.
    init(row s: SQLiteStatement) throws(StoreError) {
        self.init(resourceKey: s.text(at: 2), at: Timestamp(ticks: s.int64(at: 0)), body: try s.json(at: 3) ?? .null)
    }

    /// The change's values for `insert`: at, resource key, body (the store picks seq).
    var sqlValues: [SQLiteValue] {
        [.integer(at.ticks), .text(resourceKey), .utf8(body.serialized())]
    }
}
