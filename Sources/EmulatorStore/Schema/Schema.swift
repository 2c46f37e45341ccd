/// The store's schema: every migration in order, and the code that brings a file up to date.
///
/// `PRAGMA user_version` records the last migration applied; 0 is an empty file. A migration is never edited
/// once released: a change is a new migration appended here.
enum Schema {
    static let migrations: [Migration] = [
        Migration(version: 1, sql: version1)
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
}
