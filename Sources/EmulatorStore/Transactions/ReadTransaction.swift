import EmuCore
import RestorePointEngine

/// A consistent snapshot of the store, valid only inside the `EmulatorStore.read` (or `write`) closure that
/// received it.
///
/// Keys and other lower-cased columns are compared byte for byte: pass them lower-cased (`ResourceRecord`).
/// A class so that a `WriteTransaction` is a `ReadTransaction`: query helpers take either.
public class ReadTransaction {
    let connection: SQLiteConnection
    /// Where `resource(key:)` finds bodies already parsed. Write transactions share it too: a parse is a value,
    /// changed only in the caller's copy, and an entry matches only the text it came from, so one kept from a
    /// write that rolled back is never served for other text (a restore point create reads its resource group,
    /// collection and VM unchanged each time).
    let bodies: ParsedBodyCache?
    private var isActive = true

    init(connection: SQLiteConnection, bodies: ParsedBodyCache? = nil) {
        self.connection = connection
        self.bodies = bodies
    }

    /// Ends the transaction's validity; the store calls it when the closure returns.
    func invalidate() { isActive = false }

    // MARK: Resources

    /// The resource stored under `key`.
    public func resource(key: String) throws(StoreError) -> ResourceRecord? {
        try queryOne(ResourceRecord.selectByKey, [.text(key)]) { (s) throws(StoreError) in
            try ResourceRecord(row: s, bodies: bodies)
        }
    }

    /// Only the body of the resource stored under `key`, with the version of its text (`BodyVersion`; nil when it
    /// is too long to keep parsed): existence checks and renders on the read path need nothing else, and the
    /// record's other columns are ten strings to build.
    public func resourceBody(key: String) throws(StoreError) -> (body: JSON, version: BodyVersion?)? {
        try queryOne(ResourceRecord.selectBodyByKey, [.text(key)]) { (s) throws(StoreError) in
            guard let bodies else { return try s.json(at: 0).map { (body: $0, version: nil) } }
            return try s.json(at: 0, key: key, cache: bodies).map { (body: $0.json, version: $0.version) }
        } ?? nil
    }

    /// Resources of `type` directly under `parentKey`, in key order, keys after `after`, at most `limit`.
    ///
    /// Read from `resources_by_parent`; restore points, which that index leaves out (schema 5), from the primary
    /// key's range of the collection's restore points.
    public func resources(
        type: String, parentKey: String, after: String? = nil, limit: Int = .max
    ) throws(StoreError) -> [ResourceRecord] {
        guard limit > 0 else { return [] }
        let values: [SQLiteValue] = [.text(parentKey), .text(type), .text(after ?? ""), .integer(limit)]
        guard type == ResourceRecord.restorePointType else {
            return try query(ResourceRecord.selectByParent, values, row: ResourceRecord.init(row:))
        }
        let range = ResourceRecord.restorePointRange(ofCollection: parentKey)
        return try query(ResourceRecord.selectRestorePointsByParent, values + range, row: ResourceRecord.init(row:))
    }

    /// Resources of `type` anywhere in `subscription`, in key order, keys after `after`, at most `limit`.
    ///
    /// Read from `resources_by_subscription`; restore points, which that index leaves out (schema 5), from the
    /// primary key's range of the subscription, which holds its resources of every type.
    public func resources(
        type: String, subscription: String, after: String? = nil, limit: Int = .max
    ) throws(StoreError) -> [ResourceRecord] {
        guard limit > 0 else { return [] }
        let values: [SQLiteValue] = [.text(subscription), .text(type), .text(after ?? ""), .integer(limit)]
        guard type == ResourceRecord.restorePointType else {
            return try query(ResourceRecord.selectBySubscription, values, row: ResourceRecord.init(row:))
        }
        let range = ResourceRecord.range(ofSubscription: subscription)
        return try query(
            ResourceRecord.selectRestorePointsBySubscription, values + range, row: ResourceRecord.init(row:))
    }

    /// Every resource whose key starts with `key + "/"`, in key order (not the resource at `key` itself).
    public func descendants(ofKey key: String) throws(StoreError) -> [ResourceRecord] {
        try query(ResourceRecord.selectRange, ResourceRecord.subtree(of: key), row: ResourceRecord.init(row:))
    }

    /// How many resources of `type` `subscription` holds in `location` (exact match), or anywhere when nil.
    ///
    /// Reads `resources_by_subscription` alone; restore points, which it leaves out (schema 5), are counted over
    /// the primary key's range of the subscription, reading its rows.
    public func countResources(type: String, subscription: String, location: String?) throws(StoreError) -> Int {
        var values: [SQLiteValue] = [.text(subscription), .text(type)]
        if let location { values.append(.text(location)) }
        guard type == ResourceRecord.restorePointType else {
            let sql = location == nil ? ResourceRecord.countByType : ResourceRecord.countByTypeInLocation
            return try count(sql, values)
        }
        let sql = location == nil ? ResourceRecord.countRestorePoints : ResourceRecord.countRestorePointsInLocation
        return try count(sql, values + ResourceRecord.range(ofSubscription: subscription))
    }

    // MARK: Restore point index (CONTRACT.md §7, rules 8–10)

    /// The index row of the restore point at `key`.
    public func restorePointIndex(key: String) throws(StoreError) -> RestorePointIndexRecord? {
        try queryOne(RestorePointIndexRecord.selectByKey, [.text(key)], row: RestorePointIndexRecord.init(row:))
    }

    /// How many restore points of the VM `vmKey` are `Creating` at `now` (`creationEnd` later than `now`).
    public func countCreatingRestorePoints(vmKey: String, now: Timestamp) throws(StoreError) -> Int {
        try count(RestorePointIndexRecord.countCreatingByVM, [.text(vmKey), .integer(now.ticks)])
    }

    /// How many instant-access restore points of `subscription` in `location` are `Creating` at `now`.
    public func countCreatingInstantAccess(
        subscription: String, location: String, now: Timestamp
    ) throws(StoreError) -> Int {
        let values: [SQLiteValue] = [.text(subscription), .text(location), .integer(now.ticks)]
        return try count(RestorePointIndexRecord.countCreatingInstantAccess, values)
    }

    /// How many restore points the VM `vmKey` has, across collections.
    public func countRestorePoints(vmKey: String) throws(StoreError) -> Int {
        try count(RestorePointIndexRecord.countByVM, [.text(vmKey)])
    }

    // MARK: Scheduled state changes (CONTRACT.md §5, §8.1)

    /// Visits the changes with `after` < `at` ≤ `through` that come after `position` (from the start of the window
    /// when nil), ordered by `at`, then the order they were scheduled in; at most `limit`. `visit` gets each
    /// change's stored JSON text as it is, for a caller that writes it out without parsing it. Returns where the
    /// read stopped (nil when it visited nothing): pass it back to continue.
    public func visitScheduledChanges(
        after: Timestamp, through: Timestamp, past position: ScheduledChange.Position? = nil, limit: Int,
        _ visit: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws(StoreError) -> ScheduledChange.Position? {
        guard limit > 0, after < through else { return nil }
        let statement: SQLiteStatement
        if let position {
            statement = try prepared(
                ScheduledChange.selectWindowPast,
                [.integer(position.at.ticks), .integer(position.seq), .integer(through.ticks), .integer(limit)])
        } else {
            statement = try prepared(
                ScheduledChange.selectWindow, [.integer(after.ticks), .integer(through.ticks), .integer(limit)])
        }
        defer { statement.reset() }
        var last: ScheduledChange.Position?
        while try step(statement) {
            last = ScheduledChange.Position(at: Timestamp(ticks: statement.int64(at: 0)), seq: statement.int(at: 1))
            if let text = statement.utf8Text(at: 3) { visit(text) }
        }
        return last
    }

    /// Every change scheduled for the restore point at `resourceKey`, ordered by `at`, then the order they were
    /// scheduled in.
    public func scheduledChanges(resourceKey: String) throws(StoreError) -> [ScheduledChange] {
        try query(ScheduledChange.selectByResource, [.text(resourceKey)], row: ScheduledChange.init(row:))
    }

    // MARK: Operations, clock, subscriptions, meta

    public func operation(id: String) throws(StoreError) -> OperationRecord? {
        try queryOne(OperationRecord.selectByID, [.text(id)], row: OperationRecord.init(row:))
    }

    /// The saved clock; nil until the first `save(clock:)`.
    public func clock() throws(StoreError) -> EmulatedClock? {
        try queryOne("SELECT anchor, real_anchor, scale, frozen FROM clock WHERE id = 1") { (s) throws(StoreError) in
            EmulatedClock(
                anchor: Timestamp(ticks: s.int64(at: 0)), realAnchor: Timestamp(ticks: s.int64(at: 1)),
                scale: s.double(at: 2), frozen: s.bool(at: 3))
        }
    }

    /// Every subscription, ordered by lower-cased id.
    public func subscriptions() throws(StoreError) -> [SubscriptionRecord] {
        try query(SubscriptionRecord.selectAll, row: SubscriptionRecord.init(row:))
    }

    /// The subscription whose id matches `id` case-insensitively.
    public func subscription(id: String) throws(StoreError) -> SubscriptionRecord? {
        try queryOne(SubscriptionRecord.selectByID, [.text(id.lowercased())], row: SubscriptionRecord.init(row:))
    }

    /// The value stored under `key` in the meta table.
    public func meta(_ key: String) throws(StoreError) -> String? {
        try queryOne("SELECT value FROM meta WHERE key = ?1", [.text(key)]) { (s) throws(StoreError) in s.text(at: 0) }
    }

    // MARK: Running statements

    /// The cached statement for `sql` with `values` bound; traps if the transaction has ended (a programming
    /// error). The caller resets it.
    func prepared(_ sql: String, _ values: [SQLiteValue]) throws(StoreError) -> SQLiteStatement {
        precondition(isActive, "a store transaction was used after its closure returned")
        do throws(SQLiteError) {
            let statement = try connection.statement(sql)
            do throws(SQLiteError) { try statement.bind(values) } catch {
                statement.reset()
                throw error
            }
            return statement
        } catch {
            throw .sqlite(error)
        }
    }

    /// Every row `sql` returns, decoded by `row`.
    func query<T>(
        _ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteStatement) throws(StoreError) -> T
    ) throws(StoreError) -> [T] {
        let statement = try prepared(sql, values)
        defer { statement.reset() }
        var rows: [T] = []
        while try step(statement) { rows.append(try row(statement)) }
        return rows
    }

    /// The first row `sql` returns, decoded by `row`.
    func queryOne<T>(
        _ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteStatement) throws(StoreError) -> T
    ) throws(StoreError) -> T? {
        let statement = try prepared(sql, values)
        defer { statement.reset() }
        return try step(statement) ? try row(statement) : nil
    }

    /// The single integer `sql` returns (a count).
    private func count(_ sql: String, _ values: [SQLiteValue]) throws(StoreError) -> Int {
        try queryOne(sql, values) { (s) throws(StoreError) in s.int(at: 0) } ?? 0
    }

    private func step(_ statement: SQLiteStatement) throws(StoreError) -> Bool {
        do throws(SQLiteError) { return try statement.step() } catch { throw .sqlite(error) }
    }
}
