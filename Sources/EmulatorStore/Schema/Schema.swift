/// The store's schema: every migration in order, and the code that brings a file up to date.
///
/// `PRAGMA user_version` records the last migration applied; 0 is an empty file. A migration is never edited
/// once released: a change is a new migration appended here.
enum Schema {
    static let migrations: [Migration] = [
        Migration(version: 1, sql: version1),
        Migration(version: 2, sql: version2),
        Migration(version: 3, sql: version3),
        Migration(version: 4, sql: version4),
        Migration(version: 5, sql: version5),
        Migration(version: 6, sql: version6),
        Migration(version: 7, sql: version7),
    ]

    /// The version this build writes.
    static var currentVersion: Int { migrations.last?.version ?? 0 }

    /// Applies every migration past the file's version, up to `target`, in one immediate transaction: a
    /// failing step leaves the file as it was.
    ///
    /// Reads `user_version` inside that transaction, so a second process migrating the same file waits and
    /// then finds nothing to do. A version past the last known migration is `StoreError.newerSchema`.
    static func migrate(
        _ connection: SQLiteConnection, using migrations: [Migration] = migrations, upTo target: Int? = nil
    ) throws(StoreError) {
        let known = migrations.last?.version ?? 0
        try connection.inTransaction(.immediate, mapError: StoreError.sqlite) { () throws(StoreError) in
            let found: Int
            do throws(SQLiteError) { found = try connection.userVersion() } catch { throw .sqlite(error) }
            guard found <= known else { throw .newerSchema(found: found, known: known) }
            do throws(SQLiteError) {
                for migration in migrations where migration.version > found && migration.version <= target ?? known {
                    try migration.apply(connection)
                    // user_version lives in the database header, written by this transaction: all or nothing.
                    try connection.execute("PRAGMA user_version = \(migration.version)")
                }
            } catch {
                throw .sqlite(error)
            }
        }
    }

    /// Version 1. Keys are lower-cased ARM ids compared byte for byte (BINARY), so a subtree is the key range
    /// [`k/`, `k0`): `'0'` is the byte after `'/'`. STRICT tables reject a value of the wrong type.
    static let version1 = """
        CREATE TABLE resources (
            key TEXT NOT NULL PRIMARY KEY,
            id TEXT NOT NULL,
            subscription TEXT NOT NULL,
            resource_group TEXT,
            type TEXT NOT NULL,
            parent_key TEXT NOT NULL,
            name TEXT NOT NULL,
            location TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            body TEXT NOT NULL
        ) STRICT;
        -- Children of one parent, by type, in key order from a cursor.
        CREATE INDEX resources_by_parent ON resources (parent_key, type, key);
        -- One type across a subscription, in key order; counts per location read only this index.
        CREATE INDEX resources_by_subscription ON resources (subscription, type, key, location);

        CREATE TABLE operations (
            id TEXT NOT NULL PRIMARY KEY,
            subscription TEXT NOT NULL,
            location TEXT NOT NULL,
            kind TEXT NOT NULL,
            resource_key TEXT NOT NULL,
            api_version TEXT NOT NULL,
            start_time INTEGER NOT NULL,
            end_time INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            error TEXT,
            result TEXT
        ) STRICT;
        CREATE INDEX operations_by_subscription ON operations (subscription);

        CREATE TABLE clock (
            id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            anchor INTEGER NOT NULL,
            real_anchor INTEGER NOT NULL,
            scale REAL NOT NULL,
            frozen INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE subscriptions (
            id TEXT NOT NULL PRIMARY KEY,
            subscription_id TEXT NOT NULL,
            display_name TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            state TEXT NOT NULL
        ) STRICT;

        CREATE TABLE meta (
            key TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;
        """

    /// Version 2: the restore point index and the schedule of state changes, both keyed by restore point key,
    /// so the subtree range of `version1` covers them too.
    ///
    /// A v1 file's restore points get no rows here (the columns come from the engine, not from SQL): when it
    /// holds any, the step leaves `EmulatorStore.rebuildRestorePointIndexMetaKey` in meta. None does: restore
    /// points came after this version (see that key).
    static let version2 = """
        -- WITHOUT ROWID: rows are small and found by key, so the table is its primary key's b-tree (one fewer
        -- b-tree to write per restore point); the secondary indexes carry the key.
        CREATE TABLE restore_points (
            key TEXT NOT NULL PRIMARY KEY,
            vm_key TEXT NOT NULL,
            subscription TEXT NOT NULL,
            location TEXT NOT NULL,
            instant_access INTEGER NOT NULL CHECK (instant_access IN (0, 1)),
            creation_end INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        -- Per VM: all its restore points (a prefix), those still Creating (a range on creation_end).
        CREATE INDEX restore_points_by_vm ON restore_points (vm_key, creation_end);
        -- Instant-access restore points still Creating per subscription and region; only IA rows are indexed.
        -- instant_access is a column too, so the count reads the index alone (SQLite 3.40 does not infer it
        -- from the WHERE of a partial index).
        CREATE INDEX restore_points_creating_ia
            ON restore_points (subscription, location, creation_end, instant_access) WHERE instant_access = 1;

        -- A rowid table: changes are appended in the order restore points are created, which is nearly their
        -- time order, so a window read through state_changes_by_time finds its rows in neighbouring pages.
        -- The index carries (resource_key, seq) to give the window's order without a sort.
        CREATE TABLE state_changes (
            resource_key TEXT NOT NULL,
            at INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (resource_key, at, seq)
        ) STRICT;
        CREATE INDEX state_changes_by_time ON state_changes (at, resource_key, seq);

        INSERT INTO meta (key, value)
            SELECT 'rebuild.restorePointIndex', 'schema 2'
            WHERE EXISTS (
                SELECT 1 FROM resources WHERE type = 'microsoft.compute/restorepointcollections/restorepoints');
        """

    /// Version 3: `state_changes` keyed by time. The table is its primary key's b-tree (WITHOUT ROWID), ordered
    /// (at, resource_key, seq) with the body in the row, so a clock move's window is one sequential range read
    /// with no lookup per change: version 2 found each change through a time index into a rowid table in
    /// creation order, one random page per change (docs/performance.md, "Restore points at scale"). A restore
    /// point's changes are near "now" when written, so inserts land in the tree's few hot pages. The second
    /// index serves what goes by restore point: its timeline and the deletes of a subtree.
    static let version3 = """
        CREATE TABLE state_changes_v3 (
            at INTEGER NOT NULL,
            resource_key TEXT NOT NULL,
            seq INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (at, resource_key, seq)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO state_changes_v3 (at, resource_key, seq, body)
            SELECT at, resource_key, seq, body FROM state_changes;
        DROP TABLE state_changes;
        ALTER TABLE state_changes_v3 RENAME TO state_changes;
        CREATE INDEX state_changes_by_resource ON state_changes (resource_key);
        """

    /// Version 4: `state_changes` ordered by (at, seq), `seq` being the order in which the changes at one instant
    /// were scheduled, across restore points. Keyed (at, resource_key, seq), an insert landed at its restore
    /// point's key inside its instant, and a frozen clock (a load test) puts every change of a load at the same
    /// few instants: each insert went to a random leaf of one huge equal-`at` range and split pages. Now an
    /// insert takes the next `seq` of its instant, the end of that instant's range: inserts at one instant
    /// append. A row holds all of one restore point's changes at one instant, as a JSON array (the application's
    /// `Schedule`): two or three rows per restore point instead of eight, each with its index entries.
    ///
    /// A rowid table with an index on (at, seq), not a table keyed by it: such a row is 1–2 KB, and a table
    /// keyed by its columns (WITHOUT ROWID) keeps at most ~1,000 bytes of a row in its page, so every row would
    /// spill into an overflow page of its own (sqlite.org/withoutrowid.html, "when to use"; measured: 16 % of a
    /// create load's WAL frames). Rows append in insertion order; a window reads the index in (at, seq) order
    /// and each row by rowid, rows of one instant being neighbours. The index by restore point carries (at, seq)
    /// too, so a restore point's timeline reads in order without a sort.
    ///
    /// The copy groups version 3's rows that way, their changes in version 3's `seq` order, and keeps its order
    /// within an instant (by key) as the new `seq` order; `group_concat` takes them in the subquery's order,
    /// which the migration test checks (sqlite.org/lang_aggfunc.html leaves it to the input order).
    static let version4 = """
        CREATE TABLE state_changes_v4 (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            resource_key TEXT NOT NULL,
            body TEXT NOT NULL
        ) STRICT;
        INSERT INTO state_changes_v4 (at, seq, resource_key, body)
            SELECT at, row_number() OVER (PARTITION BY at ORDER BY resource_key) - 1, resource_key,
                '[' || group_concat(body, ',') || ']'
            FROM (SELECT at, resource_key, body FROM state_changes ORDER BY at, resource_key, seq)
            GROUP BY at, resource_key
            ORDER BY at, resource_key;
        DROP TABLE state_changes;
        ALTER TABLE state_changes_v4 RENAME TO state_changes;
        CREATE UNIQUE INDEX state_changes_by_time ON state_changes (at, seq);
        CREATE INDEX state_changes_by_resource ON state_changes (resource_key, at, seq);
        """

    /// Version 5: restore points leave both secondary indexes of `resources`, so a restore point create writes
    /// two fewer random index leaf pages (together about 22 % of the WAL frames of a create load). Restore points
    /// need neither: a restore point's key is `{collection key}/restorepoints/{name}`, and every key of a
    /// subscription starts with `/subscriptions/{id}/`, so the restore points of a collection or of a
    /// subscription are a range of the primary key (`ReadTransaction` reads them there). SQLite uses a partial
    /// index only for a query whose WHERE implies the index's (sqlite.org/partialindex.html): the queries meant
    /// for these indexes carry the same term, `ResourceRecord.notRestorePoint`.
    static let version5 = """
        DROP INDEX resources_by_parent;
        CREATE INDEX resources_by_parent ON resources (parent_key, type, key)
            WHERE type <> 'microsoft.compute/restorepointcollections/restorepoints';
        DROP INDEX resources_by_subscription;
        CREATE INDEX resources_by_subscription ON resources (subscription, type, key, location)
            WHERE type <> 'microsoft.compute/restorepointcollections/restorepoints';
        """

    /// Version 6: `restore_points` becomes a rowid table with a unique key. Keyed by `key` (WITHOUT ROWID), the
    /// table and each of its indexes put a new restore point at a random place: the indexes' entries end with the
    /// key. Now the rows append, and so do the entries of `restore_points_creating_ia` whenever creations end at
    /// the same instant (a frozen clock; sqlite.org/lang_createindex.html: an entry ends with the rowid), so a
    /// create writes one random page fewer. The key's unique index and `restore_points_by_vm` stay random.
    static let version6 = """
        CREATE TABLE restore_points_v6 (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            vm_key TEXT NOT NULL,
            subscription TEXT NOT NULL,
            location TEXT NOT NULL,
            instant_access INTEGER NOT NULL CHECK (instant_access IN (0, 1)),
            creation_end INTEGER NOT NULL
        ) STRICT;
        INSERT INTO restore_points_v6 (key, vm_key, subscription, location, instant_access, creation_end)
            SELECT key, vm_key, subscription, location, instant_access, creation_end FROM restore_points
            ORDER BY creation_end, key;
        DROP TABLE restore_points;
        ALTER TABLE restore_points_v6 RENAME TO restore_points;
        CREATE INDEX restore_points_by_vm ON restore_points (vm_key, creation_end);
        CREATE INDEX restore_points_creating_ia
            ON restore_points (subscription, location, creation_end, instant_access) WHERE instant_access = 1;
        """

    /// Version 7: a restore point's scheduled changes are found through its `restore_points` row (`restore_point`
    /// holds that row's id) instead of an index by key. The index by key put each create's rows at a random leaf:
    /// 28 % of a create load's WAL frames, and at 100,000 restore points the largest of the b-trees a create
    /// writes at random, crowding the writer's cache. A new restore point's row has the largest id so far, so its
    /// entries in `state_changes_by_restore_point` append. A change is stored only under an existing index row
    /// (`restore_point` is NOT NULL: the insert finds the id by key), and the store deletes a restore point's
    /// changes with its index row, so an id SQLite hands out again never finds changes of a row deleted before.
    /// The copy keeps every change whose restore point has an index row, with its rowid, `at` and `seq`; a change
    /// without one belonged to no restore point the application could read (it writes both in one transaction).
    static let version7 = """
        CREATE TABLE state_changes_v7 (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            restore_point INTEGER NOT NULL,
            resource_key TEXT NOT NULL,
            body TEXT NOT NULL
        ) STRICT;
        INSERT INTO state_changes_v7 (id, at, seq, restore_point, resource_key, body)
            SELECT c.id, c.at, c.seq, r.id, c.resource_key, c.body
            FROM state_changes AS c JOIN restore_points AS r ON r.key = c.resource_key
            ORDER BY c.id;
        DROP TABLE state_changes;
        ALTER TABLE state_changes_v7 RENAME TO state_changes;
        CREATE UNIQUE INDEX state_changes_by_time ON state_changes (at, seq);
        CREATE INDEX state_changes_by_restore_point ON state_changes (restore_point, at, seq);
        """
}
