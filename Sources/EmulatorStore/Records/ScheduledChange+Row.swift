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
    /// The restore point row's id of the key in ?1 (schema 7: changes are stored under it).
    private static let restorePointOfKey = "(SELECT id FROM restore_points WHERE key = ?1)"

    // Served by state_changes_by_restore_point (restore_point, at, seq): already in order.
    static let selectByResource = """
        SELECT \(columns) FROM state_changes WHERE restore_point = \(restorePointOfKey) ORDER BY at, seq
        """

    // The instant's next seq, found in the same statement: with `at` fixed, max(seq) reads state_changes_by_time
    // from the instant's last entry only (the min/max optimisation, sqlite.org/optoverview.html), and the new
    // entry goes at the end of the instant's range, the row at the end of the table. The restore point's id comes
    // from its index row, written just before in the same transaction (its page is in the cache); without one it
    // is NULL, which `restore_point NOT NULL` refuses.
    static let insert = """
        INSERT INTO state_changes (at, seq, restore_point, resource_key, body)
        VALUES (
            ?1, (SELECT coalesce(max(seq), -1) + 1 FROM state_changes WHERE at = ?1),
            (SELECT id FROM restore_points WHERE key = ?2), ?2, ?3)
        """
    /// Before the restore point's index row goes: the changes are found through it.
    static let deleteByResource = "DELETE FROM state_changes WHERE restore_point = \(restorePointOfKey)"
    /// Takes the values of `ResourceRecord.subtree(of:)`; before the index rows of the range go.
    static let deleteRange = """
        DELETE FROM state_changes
        WHERE restore_point IN (SELECT id FROM restore_points WHERE key >= ?1 AND key < ?2)
        """

    /// Decodes the current row of a statement selecting `columns`.
    init(row s: SQLiteStatement) throws(StoreError) {
        self.init(resourceKey: s.text(at: 2), at: Timestamp(ticks: s.int64(at: 0)), body: try s.json(at: 3) ?? .null)
    }

    /// The change's values for `insert`: at, resource key, body (the store picks seq).
    var sqlValues: [SQLiteValue] {
        [.integer(at.ticks), .text(resourceKey), .utf8(body.serialized())]
    }
}
