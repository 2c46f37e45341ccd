import EmuCore
import RestorePointEngine

/// A write transaction: everything a `ReadTransaction` reads, plus changes, which see each other at once and
/// commit together when the `EmulatorStore.write` closure returns.
public final class WriteTransaction: ReadTransaction {
    // MARK: Resources

    /// Inserts `record`, or replaces every column of the record stored under its key. The body's parse is kept for
    /// the next read (`ParsedBodyCache.remember`).
    public func upsert(_ record: ResourceRecord) throws(StoreError) {
        let text = record.body.serialized()
        try execute(ResourceRecord.upsert, record.sqlValues(bodyText: text))
        bodies?.remember(key: record.key, text: text, json: record.body)
    }

    /// Replaces the body and `updatedAt` of the resource stored under `record.key`, keeping its other columns as
    /// stored; false when there is none. Cheaper than `upsert` for a resource whose indexed columns stay.
    @discardableResult
    public func updateBody(of record: ResourceRecord) throws(StoreError) -> Bool {
        let text = record.body.serialized()
        let values: [SQLiteValue] = [.text(record.key), .utf8(text), .integer(record.updatedAt.ticks)]
        guard try execute(ResourceRecord.updateBody, values) > 0 else { return false }
        bodies?.remember(key: record.key, text: text, json: record.body)
        return true
    }

    /// Deletes the resource at `key` (not its descendants); false when there was none.
    @discardableResult
    public func deleteResource(key: String) throws(StoreError) -> Bool {
        try execute(ResourceRecord.deleteByKey, [.text(key)]) > 0
    }

    /// Deletes the resource at `key` and every resource under `key + "/"`, with the restore point index rows
    /// and scheduled changes at or under `key`; returns how many resources went.
    @discardableResult
    public func deleteTree(key: String) throws(StoreError) -> Int {
        let subtree = ResourceRecord.subtree(of: key)
        // The changes first: they are found through the index rows (schema 7).
        try execute(ScheduledChange.deleteRange, subtree)
        try execute(ScheduledChange.deleteByResource, [.text(key)])
        try execute(RestorePointIndexRecord.deleteRange, subtree)
        try execute(RestorePointIndexRecord.deleteByKey, [.text(key)])
        let descendants = try execute(ResourceRecord.deleteRange, subtree)
        return try descendants + execute(ResourceRecord.deleteByKey, [.text(key)])
    }

    // MARK: Restore point index

    /// Inserts `record`, or replaces every column of the index row stored under its key.
    public func upsert(_ record: RestorePointIndexRecord) throws(StoreError) {
        try execute(RestorePointIndexRecord.upsert, record.sqlValues)
    }

    /// Deletes the index row of the restore point at `key` with its scheduled changes, which are stored under
    /// that row (schema 7); false when there was no row.
    @discardableResult
    public func deleteRestorePointIndex(key: String) throws(StoreError) -> Bool {
        try execute(ScheduledChange.deleteByResource, [.text(key)])
        return try execute(RestorePointIndexRecord.deleteByKey, [.text(key)]) > 0
    }

    // MARK: Scheduled state changes

    /// Stores `changes`, one cached statement run per change. Changes at one instant keep the order they are
    /// given in, after those stored at that instant before (whatever their resource). Each change's restore point
    /// must have its index row (`upsert(_: RestorePointIndexRecord)`), else a constraint violation; its changes
    /// go with that row (`deleteRestorePointIndex`, `deleteTree`, `deleteSubscription`).
    public func insert(_ changes: [ScheduledChange]) throws(StoreError) {
        for change in changes {
            try execute(ScheduledChange.insert, change.sqlValues)
        }
    }

    // MARK: Operations

    /// Records a new operation; fails with a constraint violation if its id is taken.
    public func insert(_ operation: OperationRecord) throws(StoreError) {
        try execute(OperationRecord.insert, operation.sqlValues)
    }

    /// Replaces the stored operation with the same id; false when there is none.
    @discardableResult
    public func update(_ operation: OperationRecord) throws(StoreError) -> Bool {
        try execute(OperationRecord.update, operation.sqlValues) > 0
    }

    // MARK: Clock, subscriptions, meta

    /// Saves the clock, replacing the one saved before (CONTRACT.md §9: the clock survives a restart).
    public func save(clock: EmulatedClock) throws(StoreError) {
        let sql = """
            INSERT INTO clock (id, anchor, real_anchor, scale, frozen) VALUES (1, ?1, ?2, ?3, ?4)
            ON CONFLICT (id) DO UPDATE SET
                anchor = excluded.anchor, real_anchor = excluded.real_anchor, scale = excluded.scale,
                frozen = excluded.frozen
            """
        let values: [SQLiteValue] = [
            .integer(clock.anchor.ticks), .integer(clock.realAnchor.ticks), .real(clock.scale), .integer(clock.frozen),
        ]
        try execute(sql, values)
    }

    /// Inserts or replaces the subscription, keyed by its lower-cased id.
    public func upsert(_ subscription: SubscriptionRecord) throws(StoreError) {
        try execute(SubscriptionRecord.upsert, subscription.sqlValues)
    }

    /// Deletes the subscription (matched case-insensitively) with all its resources, operations, restore point
    /// index rows and scheduled changes (CONTRACT.md §8.2 `DELETE /_emulator/subscriptions/{sub}`); false when
    /// there was nothing to delete.
    ///
    /// Resources, index rows and changes go by key range: every key in the subscription is under
    /// `/subscriptions/{id}`. (From schema 5 `resources_by_subscription` leaves restore points out, so it cannot
    /// serve `subscription = ?`: sqlite.org/partialindex.html.)
    @discardableResult
    public func deleteSubscription(id: String) throws(StoreError) -> Bool {
        let key: [SQLiteValue] = [.text(id.lowercased())]
        let subtree = ResourceRecord.range(ofSubscription: id.lowercased())
        let deleted =
            try execute(SubscriptionRecord.deleteByID, key)
            + execute(ResourceRecord.deleteRange, subtree)
            + execute(OperationRecord.deleteBySubscription, key)
            + execute(ScheduledChange.deleteRange, subtree)  // before the index rows it is found through
            + execute(RestorePointIndexRecord.deleteRange, subtree)
        return deleted > 0
    }

    /// Stores `value` under `key`, or removes the key when `value` is nil.
    public func setMeta(_ key: String, _ value: String?) throws(StoreError) {
        if let value {
            let sql = "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2"
            try execute(sql, [.text(key), .text(value)])
        } else {
            try execute("DELETE FROM meta WHERE key = ?1", [.text(key)])
        }
    }

    /// Empties every table, keeping the schema (CONTRACT.md §8.2 `POST /_emulator/reset`).
    public func deleteAll() throws(StoreError) {
        for table in ["resources", "operations", "clock", "subscriptions", "meta", "restore_points", "state_changes"] {
            try execute("DELETE FROM \(table)")
        }
    }

    // MARK: Running statements

    /// Runs a cached statement that returns no rows; returns the rows it changed.
    @discardableResult
    func execute(_ sql: String, _ values: [SQLiteValue] = []) throws(StoreError) -> Int {
        let statement = try prepared(sql, values)
        defer { statement.reset() }
        do throws(SQLiteError) { try statement.run() } catch { throw .sqlite(error) }
        return connection.changes
    }
}
