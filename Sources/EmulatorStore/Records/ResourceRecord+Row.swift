import EmuCore

extension ResourceRecord {
    static let columns =
        "key, id, subscription, resource_group, type, parent_key, name, location, created_at, updated_at, body"

    static let selectByKey = "SELECT \(columns) FROM resources WHERE key = ?1"
    static let selectBodyByKey = "SELECT body FROM resources WHERE key = ?1"
    // Served by resources_by_parent: equality on (parent_key, type), then the key range in index order.
    static let selectByParent = """
        SELECT \(columns) FROM resources
        WHERE parent_key = ?1 AND type = ?2 AND key > ?3 ORDER BY key LIMIT ?4
        """
    static let selectBySubscription = """
        SELECT \(columns) FROM resources
        WHERE subscription = ?1 AND type = ?2 AND key > ?3 ORDER BY key LIMIT ?4
        """
    static let selectRange = "SELECT \(columns) FROM resources WHERE key >= ?1 AND key < ?2 ORDER BY key"
    static let countByType = "SELECT count(*) FROM resources WHERE subscription = ?1 AND type = ?2"
    static let countByTypeInLocation =
        "SELECT count(*) FROM resources WHERE subscription = ?1 AND type = ?2 AND location = ?3"
    // A skip scan over resources_by_subscription, spelled out: SQLite skips a leading column by itself only
    // with ANALYZE statistics. `subs` walks the distinct subscriptions, one index seek each; the count per
    // subscription is an equality range on (subscription, type).
    static let countAllOfType = """
        WITH RECURSIVE subs (s) AS (
            SELECT min(subscription) FROM resources
            UNION ALL
            SELECT (SELECT min(subscription) FROM resources WHERE subscription > subs.s) FROM subs
            WHERE subs.s IS NOT NULL
        )
        SELECT coalesce(sum((SELECT count(*) FROM resources WHERE subscription = subs.s AND type = ?1)), 0)
        FROM subs WHERE subs.s IS NOT NULL
        """

    static let upsert = """
        INSERT INTO resources (\(columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        ON CONFLICT (key) DO UPDATE SET
            id = excluded.id, subscription = excluded.subscription, resource_group = excluded.resource_group,
            type = excluded.type, parent_key = excluded.parent_key, name = excluded.name,
            location = excluded.location, created_at = excluded.created_at, updated_at = excluded.updated_at,
            body = excluded.body
        """
    // Names neither the key nor an indexed column: SQLite rewrites only the row, not one of the three index
    // entries (sqlite.org/lang_update.html; an upsert's DO UPDATE sets every column and rewrites them all).
    static let updateBody = "UPDATE resources SET body = ?2, updated_at = ?3 WHERE key = ?1"
    static let deleteByKey = "DELETE FROM resources WHERE key = ?1"
    static let deleteRange = "DELETE FROM resources WHERE key >= ?1 AND key < ?2"
    static let deleteBySubscription = "DELETE FROM resources WHERE subscription = ?1"

    /// The values for ?1 and ?2 of `selectRange` and `deleteRange`: every key under `key + "/"`.
    ///
    /// Under BINARY collation a string starts with `k/` exactly when `k/` ≤ it < `k0` (`'0'` is the byte after
    /// `'/'`). Unlike `LIKE 'k/%'`, no character of the key (`_`, `%`) needs escaping, and the primary key's
    /// index serves the range.
    static func subtree(of key: String) -> [SQLiteValue] {
        [.text(key + "/"), .text(key + "0")]
    }

    /// Decodes the current row of a statement selecting `columns`.
    init(row s: SQLiteStatement) throws(StoreError) {
        try self.init(row: s, key: s.text(at: 0), body: s.json(at: 10))
    }

    /// Decodes the current row, reusing the parse `bodies` kept of the same stored body text when there is one.
    init(row s: SQLiteStatement, bodies: ParsedBodyCache?) throws(StoreError) {
        guard let bodies else {
            try self.init(row: s)
            return
        }
        let key = s.text(at: 0)
        try self.init(row: s, key: key, body: s.json(at: 10, key: key, cache: bodies)?.json)
    }

    private init(row s: SQLiteStatement, key: String, body: JSON?) {
        self.init(
            key: key, id: s.text(at: 1), subscription: s.text(at: 2), resourceGroup: s.optionalText(at: 3),
            type: s.text(at: 4), parentKey: s.text(at: 5), name: s.text(at: 6), location: s.optionalText(at: 7),
            createdAt: Timestamp(ticks: s.int64(at: 8)), updatedAt: Timestamp(ticks: s.int64(at: 9)),
            body: body ?? .null)
    }

    /// The record's values in `columns` order.
    var sqlValues: [SQLiteValue] { sqlValues(bodyText: body.serialized()) }

    /// `sqlValues` with the body already serialized.
    func sqlValues(bodyText: [UInt8]) -> [SQLiteValue] {
        [
            .text(key), .text(id), .text(subscription), .text(resourceGroup), .text(type), .text(parentKey),
            .text(name), .text(location), .integer(createdAt.ticks), .integer(updatedAt.ticks), .utf8(bodyText),
        ]
    }
}
