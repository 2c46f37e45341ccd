import EmuCore

extension RestorePointIndexRecord {
    static let columns = "key, vm_key, subscription, location, instant_access, creation_end"

    static let selectByKey = "SELECT \(columns) FROM restore_points WHERE key = ?1"
    // The counts read only an index (restore_points_by_vm, restore_points_creating_ia): an equality prefix,
    // then a range on creation_end; none visits a row of another VM or region, however many are stored.
    static let countCreatingByVM = "SELECT count(*) FROM restore_points WHERE vm_key = ?1 AND creation_end > ?2"
    // `instant_access = 1` is written as in the partial index's WHERE, so the planner may use that index.
    static let countCreatingInstantAccess = """
        SELECT count(*) FROM restore_points
        WHERE subscription = ?1 AND location = ?2 AND instant_access = 1 AND creation_end > ?3
        """
    static let countByVM = "SELECT count(*) FROM restore_points WHERE vm_key = ?1"

    static let upsert = """
        INSERT INTO restore_points (\(columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (key) DO UPDATE SET
            vm_key = excluded.vm_key, subscription = excluded.subscription, location = excluded.location,
            instant_access = excluded.instant_access, creation_end = excluded.creation_end
        """
    static let deleteByKey = "DELETE FROM restore_points WHERE key = ?1"
    /// Takes the values of `ResourceRecord.subtree(of:)`.
    static let deleteRange = "DELETE FROM restore_points WHERE key >= ?1 AND key < ?2"

    /// Decodes the current row of a statement selecting `columns`.
    init(row s: SQLiteStatement) {
        self.init(
            key: s.text(at: 0), vmKey: s.text(at: 1), subscription: s.text(at: 2), location: s.text(at: 3),
            instantAccess: s.bool(at: 4), creationEnd: Timestamp(ticks: s.int64(at: 5)))
    }

    /// The record's values in `columns` order.
    var sqlValues: [SQLiteValue] {
        [
            .text(key), .text(vmKey), .text(subscription), .text(location), .integer(instantAccess),
            .integer(creationEnd.ticks),
        ]
    }
}
