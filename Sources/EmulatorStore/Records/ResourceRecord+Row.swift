import EmuCore

extension ResourceRecord {
    static let columns =
        "key, id, subscription, resource_group, type, parent_key, name, location, created_at, updated_at, body"

    static let selectByKey = "SELECT \(columns) FROM resources WHERE key = ?1"
    static let selectBodyByKey = "SELECT body FROM resources WHERE key = ?1"

    /// The lower-cased type of restore points, which the indexes by parent and by subscription leave out from
    /// schema 5 (`Schema.version5`): the store finds them by key instead.
    static let restorePointType = "microsoft.compute/restorepointcollections/restorepoints"
    /// The WHERE of both partial indexes. SQLite uses a partial index only for a query whose WHERE implies the
    /// index's, and a bound `type = ?2` does not (sqlite.org/partialindex.html): every query meant for those
    /// indexes carries this term too.
    static let notRestorePoint = "type <> '\(restorePointType)'"

    // Served by resources_by_parent: equality on (parent_key, type), then the key range in index order.
    static let selectByParent = """
        SELECT \(columns) FROM resources
        WHERE parent_key = ?1 AND type = ?2 AND key > ?3 AND \(notRestorePoint) ORDER BY key LIMIT ?4
        """
    // Served by resources_by_subscription: equality on (subscription, type), then the key range in index order.
    static let selectBySubscription = """
        SELECT \(columns) FROM resources
        WHERE subscription = ?1 AND type = ?2 AND key > ?3 AND \(notRestorePoint) ORDER BY key LIMIT ?4
        """
    // Restore points of one collection (?1, ?2 as in selectByParent), served by the primary key: ?5 and ?6 are
    // `restorePointRange(ofCollection:)`. `max` starts the range at the cursor ?3 when it is past ?5: given two
    // lower bounds, SQLite seeks with one and filters with the other. No key ends with `/`, so `>` loses nothing
    // at ?5.
    static let selectRestorePointsByParent = """
        SELECT \(columns) FROM resources
        WHERE key > max(?5, ?3) AND key < ?6 AND parent_key = ?1 AND type = ?2 ORDER BY key LIMIT ?4
        """
    // Restore points of one subscription (?1, ?2 as in selectBySubscription), served by the primary key over
    // `range(ofSubscription:)` in ?5 and ?6, as selectRestorePointsByParent. The range holds every type of the
    // subscription: its other rows are read and skipped.
    static let selectRestorePointsBySubscription = """
        SELECT \(columns) FROM resources
        WHERE key > max(?5, ?3) AND key < ?6 AND subscription = ?1 AND type = ?2 ORDER BY key LIMIT ?4
        """
    static let selectRange = "SELECT \(columns) FROM resources WHERE key >= ?1 AND key < ?2 ORDER BY key"
    // Served by resources_by_subscription alone (a covering index: location is its last column).
    static let countByType =
        "SELECT count(*) FROM resources WHERE subscription = ?1 AND type = ?2 AND \(notRestorePoint)"
    static let countByTypeInLocation =
        "SELECT count(*) FROM resources WHERE subscription = ?1 AND type = ?2 AND location = ?3 AND \(notRestorePoint)"
    // The restore point counts of countByType and countByTypeInLocation, over the primary key's
    // `range(ofSubscription:)` (the last two parameters); they read the subscription's rows.
    static let countRestorePoints =
        "SELECT count(*) FROM resources WHERE key >= ?3 AND key < ?4 AND subscription = ?1 AND type = ?2"
    static let countRestorePointsInLocation = """
        SELECT count(*) FROM resources
        WHERE key >= ?4 AND key < ?5 AND subscription = ?1 AND type = ?2 AND location = ?3
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

    /// The values for ?1 and ?2 of `selectRange` and `deleteRange`: every key under `key + "/"`.
    ///
    /// Under BINARY collation a string starts with `k/` exactly when `k/` ≤ it < `k0` (`'0'` is the byte after
    /// `'/'`). Unlike `LIKE 'k/%'`, no character of the key (`_`, `%`) needs escaping, and the primary key's
    /// index serves the range.
    static func subtree(of key: String) -> [SQLiteValue] {
        [.text(key + "/"), .text(key + "0")]
    }

    /// The key range of every restore point of the collection `key`: a restore point's key is
    /// `{collection key}/restorepoints/{name}`.
    static func restorePointRange(ofCollection key: String) -> [SQLiteValue] {
        subtree(of: key + "/restorepoints")
    }

    /// The key range of every resource of `subscription`: its keys all start with `/subscriptions/{id}/`.
    static func range(ofSubscription subscription: String) -> [SQLiteValue] {
        subtree(of: "/subscriptions/" + subscription)
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
    /// The record's values in `columns` order, with the body already serialized (the caller keeps the text).
    func sqlValues(bodyText: [UInt8]) -> [SQLiteValue] {
        [
            .text(key), .text(id), .text(subscription), .text(resourceGroup), .text(type), .text(parentKey),
            .text(name), .text(location), .integer(createdAt.ticks), .integer(updatedAt.ticks), .utf8(bodyText),
        ]
    }
}
