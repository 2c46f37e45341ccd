import CSQLite

/// A prepared statement (`sqlite3_stmt`), owned by the `SQLiteConnection` that prepared it.
///
/// Not `Sendable`: it belongs to its connection, which one thread uses at a time. Parameters are 1-based,
/// columns 0-based, as in the C API. Callers `reset()` after use so a cached statement holds no read lock.
final class SQLiteStatement {
    /// The SQL text, kept for error messages.
    let sql: String
    private let handle: OpaquePointer
    private let db: OpaquePointer

    init(db: OpaquePointer, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        // SQLITE_PREPARE_PERSISTENT: the statement is cached and reused for the connection's life.
        let code = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw SQLiteError.last(db, code: code == SQLITE_OK ? SQLITE_MISUSE : code, sql: sql)
        }
        self.db = db
        self.sql = sql
        self.handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding

    func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    func bind(_ value: Int, at index: Int32) throws(SQLiteError) {
        try bind(Int64(value), at: index)
    }

    func bind(_ value: Double, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, index, value))
    }

    func bind(_ value: Bool, at index: Int32) throws(SQLiteError) {
        try bind(value ? 1 as Int64 : 0, at: index)
    }

    func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        var value = value
        let code = value.withUTF8 { bindText($0, at: index) }
        try check(code)
    }

    /// Binds UTF-8 bytes as TEXT.
    func bind(utf8 bytes: [UInt8], at index: Int32) throws(SQLiteError) {
        let code = bytes.withUnsafeBufferPointer { bindText($0, at: index) }
        try check(code)
    }

    private func bindText(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int32) -> Int32 {
        guard let base = utf8.baseAddress, !utf8.isEmpty else {
            // An empty string, not NULL: a null pointer would bind NULL.
            return sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
        }
        // SQLITE_TRANSIENT: SQLite copies the bytes before returning, so the buffer may go.
        return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
            sqlite3_bind_text(handle, index, chars, Int32(utf8.count), csqlite_transient())
        }
    }

    func bindNull(at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, index))
    }

    func bind(_ value: String?, at index: Int32) throws(SQLiteError) {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    // MARK: Running

    /// Advances to the next row: `true` when a row is ready, `false` when the statement is done.
    func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw SQLiteError.last(db, code: code, sql: sql)
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws(SQLiteError) {
        while try step() {}
    }

    /// Rewinds the statement and clears its bindings; never fails (a step error was already reported).
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Columns

    func isNull(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func int(at column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func double(at column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func bool(at column: Int32) -> Bool { sqlite3_column_int64(handle, column) != 0 }

    /// The column as text; NULL reads as the empty string.
    func text(at column: Int32) -> String {
        // sqlite3_column_text before sqlite3_column_bytes: the byte count is of the converted text.
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func optionalText(at column: Int32) -> String? {
        isNull(at: column) ? nil : text(at: column)
    }

    /// The column's UTF-8 bytes; nil for NULL.
    func utf8(at column: Int32) -> [UInt8]? {
        utf8Text(at: column).map(Array.init)
    }

    /// The column's UTF-8 bytes in SQLite's own buffer, valid until the statement steps or resets; nil for NULL.
    func utf8Text(at column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard !isNull(at: column) else { return nil }
        guard let pointer = sqlite3_column_text(handle, column) else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
    }

    private func check(_ code: Int32) throws(SQLiteError) {
        guard code == SQLITE_OK else { throw SQLiteError.last(db, code: code, sql: sql) }
    }
}
