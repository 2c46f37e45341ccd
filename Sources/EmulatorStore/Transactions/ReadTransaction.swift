import EmuCore
import RestorePointEngine

/// A consistent snapshot of the store, valid only inside the `EmulatorStore.read` (or `write`) closure that
/// received it.
///
/// Keys and other lower-cased columns are compared byte for byte: pass them lower-cased (`ResourceRecord`).
/// A class so that a `WriteTransaction` is a `ReadTransaction`: query helpers take either.
public class ReadTransaction {
    let connection: SQLiteConnection
    private var isActive = true

    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Ends the transaction's validity; the store calls it when the closure returns.
    func invalidate() { isActive = false }

    // MARK: Resources

    /// The resource stored under `key`.
    public func resource(key: String) throws(StoreError) -> ResourceRecord? {
        try queryOne(ResourceRecord.selectByKey, [.text(key)], row: ResourceRecord.init(row:))
    }

    /// Resources of `type` directly under `parentKey`, in key order, keys after `after`, at most `limit`.
    public func resources(
        type: String, parentKey: String, after: String? = nil, limit: Int = .max
    ) throws(StoreError) -> [ResourceRecord] {
        guard limit > 0 else { return [] }
        let values: [SQLiteValue] = [.text(parentKey), .text(type), .text(after ?? ""), .integer(limit)]
        return try query(ResourceRecord.selectByParent, values, row: ResourceRecord.init(row:))
    }

    /// Resources of `type` anywhere in `subscription`, in key order, keys after `after`, at most `limit`.
    public func resources(
        type: String, subscription: String, after: String? = nil, limit: Int = .max
    ) throws(StoreError) -> [ResourceRecord] {
        guard limit > 0 else { return [] }
        let values: [SQLiteValue] = [.text(subscription), .text(type), .text(after ?? ""), .integer(limit)]
        return try query(ResourceRecord.selectBySubscription, values, row: ResourceRecord.init(row:))
    }

    /// Every resource whose key starts with `key + "/"`, in key order (not the resource at `key` itself).
    public func descendants(ofKey key: String) throws(StoreError) -> [ResourceRecord] {
        try query(ResourceRecord.selectRange, ResourceRecord.subtree(of: key), row: ResourceRecord.init(row:))
    }

    /// How many resources of `type` `subscription` holds in `location` (exact match), or anywhere when nil.
    public func countResources(type: String, subscription: String, location: String?) throws(StoreError) -> Int {
        var values: [SQLiteValue] = [.text(subscription), .text(type)]
        if let location { values.append(.text(location)) }
        let sql = location == nil ? ResourceRecord.countByType : ResourceRecord.countByTypeInLocation
        return try queryOne(sql, values) { (s) throws(StoreError) in s.int(at: 0) } ?? 0
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

    private func step(_ statement: SQLiteStatement) throws(StoreError) -> Bool {
        do throws(SQLiteError) { return try statement.step() } catch { throw .sqlite(error) }
    }
}
