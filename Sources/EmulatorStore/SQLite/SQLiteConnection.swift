import CSQLite

/// One SQLite database connection (`sqlite3*`) with a cache of prepared statements keyed by their SQL.
///
/// Not `Sendable` and not locked: it is opened with `SQLITE_OPEN_NOMUTEX`, so its owner guarantees that one
/// thread at a time uses it (`ExclusiveConnection` states how the store does).
final class SQLiteConnection {
    /// `sqlite3_open_v2` flags.
    struct Flags: OptionSet, Sendable {
        let rawValue: Int32

        static let readOnly = Flags(rawValue: SQLITE_OPEN_READONLY)
        static let readWrite = Flags(rawValue: SQLITE_OPEN_READWRITE)
        static let create = Flags(rawValue: SQLITE_OPEN_CREATE)
        static let uri = Flags(rawValue: SQLITE_OPEN_URI)
        static let memory = Flags(rawValue: SQLITE_OPEN_MEMORY)
        /// Multi-thread mode: no per-connection mutex; the owner serializes use.
        static let noMutex = Flags(rawValue: SQLITE_OPEN_NOMUTEX)
        /// Extended result codes from every call, not just from `sqlite3_extended_errcode`.
        static let extendedResultCodes = Flags(rawValue: SQLITE_OPEN_EXRESCODE)

        /// A read-write connection that creates the file if missing.
        static let writer: Flags = [.readWrite, .create, .noMutex, .extendedResultCodes]
        /// A read-only connection.
        static let reader: Flags = [.readOnly, .noMutex, .extendedResultCodes]
    }

    /// The path or URI the connection was opened with (`:memory:` for a private in-memory database).
    let path: String
    private var handle: OpaquePointer?
    private var cache: [String: SQLiteStatement] = [:]

    /// Library settings made once, before the first connection opens. Memory statistics off: with them on, the
    /// readers of concurrent GETs queued on one process-wide mutex for every allocation (docs/performance.md).
    private static let configureLibrary: Void = { _ = csqlite_disable_memory_statistics() }()

    /// Opens `path` with `flags`, through the VFS named `vfs` (nil: SQLite's default, "unix").
    init(path: String, flags: Flags, vfs: String? = nil) throws(SQLiteError) {
        Self.configureLibrary
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, flags.rawValue, vfs)
        guard code == SQLITE_OK, let db else {
            let error = SQLiteError.last(db, code: code)
            // sqlite3_open_v2 returns a handle even on failure; it must still be closed.
            sqlite3_close_v2(db)
            throw error
        }
        self.path = path
        self.handle = db
    }

    deinit { close() }

    /// Whether `close()` has run.
    var isClosed: Bool { handle == nil }

    /// Finalizes the cached statements and closes the connection; later calls fail with `SQLITE_MISUSE`.
    func close() {
        cache.removeAll()  // finalizes: the statements are owned only by the cache.
        guard let handle else { return }
        // close_v2: a statement still held elsewhere defers the close instead of failing it.
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    /// The open handle, or `SQLITE_MISUSE` once closed.
    func db(for sql: String? = nil) throws(SQLiteError) -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(extendedCode: SQLITE_MISUSE, message: "connection is closed", sql: sql)
        }
        return handle
    }

    /// Runs one or more statements that return no rows, without caching them.
    func execute(_ sql: String) throws(SQLiteError) {
        let db = try db(for: sql)
        let code = sqlite3_exec(db, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw SQLiteError.last(db, code: code, sql: sql) }
    }

    /// The cached prepared statement for `sql`, prepared on first use. The caller resets it after use.
    func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = cache[sql] { return cached }
        let statement = try SQLiteStatement(db: db(for: sql), sql: sql)
        cache[sql] = statement
        return statement
    }

    /// Runs a cached statement with `bind` applying its parameters, then resets it.
    func run(_ sql: String, bind: (SQLiteStatement) throws(SQLiteError) -> Void = { _ in }) throws(SQLiteError) {
        let statement = try statement(sql)
        defer { statement.reset() }
        try bind(statement)
        try statement.run()
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    var changes: Int {
        guard let handle else { return 0 }
        return Int(sqlite3_changes64(handle))
    }

    /// Whether the connection is outside any explicit transaction.
    var isAutocommit: Bool {
        guard let handle else { return true }
        return sqlite3_get_autocommit(handle) != 0
    }

    /// Sets how long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    /// Frees what the page cache holds that it can (sqlite.org/c3ref/db_release_memory.html): the pages stay in
    /// the file and come back on the next read.
    func releaseMemory() {
        guard let handle else { return }
        sqlite3_db_release_memory(handle)
    }

    func setBusyTimeout(milliseconds: Int32) throws(SQLiteError) {
        let db = try db()
        let code = sqlite3_busy_timeout(db, milliseconds)
        guard code == SQLITE_OK else { throw SQLiteError.last(db, code: code) }
    }

    /// Reads `PRAGMA name` (first column of the first row as text), uncached.
    func pragma(_ name: String) throws(SQLiteError) -> String? {
        let statement = try SQLiteStatement(db: db(), sql: "PRAGMA \(name)")
        return try statement.step() ? statement.optionalText(at: 0) : nil
    }

    /// Runs `PRAGMA name = value` and returns what it answers (e.g. the journal mode now in force).
    @discardableResult
    func setPragma(_ name: String, _ value: String) throws(SQLiteError) -> String? {
        let statement = try SQLiteStatement(db: db(), sql: "PRAGMA \(name) = \(value)")
        return try statement.step() ? statement.optionalText(at: 0) : nil
    }

    /// `PRAGMA user_version`: the schema version the migrations have reached.
    func userVersion() throws(SQLiteError) -> Int {
        Int(try pragma("user_version") ?? "0") ?? 0
    }
}
