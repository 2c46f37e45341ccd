import CSQLite

/// A failed SQLite call: the extended result code, SQLite's message and the SQL that failed, if any.
///
/// Result codes follow <https://www.sqlite.org/rescode.html>: the low 8 bits are the primary code, the rest
/// refine it (`SQLITE_CONSTRAINT_PRIMARYKEY` = `SQLITE_CONSTRAINT | 6 << 8`).
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The extended result code (`sqlite3_extended_errcode`); equals `primaryCode` when there is no refinement.
    public let extendedCode: Int32
    /// SQLite's message (`sqlite3_errmsg`), or `sqlite3_errstr` of the code when there was no connection.
    public let message: String
    /// The statement that failed, when the failure belongs to one.
    public let sql: String?

    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// The primary result code: the low 8 bits of the extended code.
    public var primaryCode: Int32 { extendedCode & 0xFF }

    /// `SQLITE_BUSY` or `SQLITE_LOCKED`: another connection held a lock past the busy timeout.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    /// `SQLITE_CONSTRAINT` and its refinements (primary key, unique, not null, check).
    public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

    public var description: String {
        let name = String(cString: sqlite3_errstr(extendedCode))
        var text = "SQLite error \(extendedCode) (\(name)): \(message)"
        if let sql { text += " — in: \(sql)" }
        return text
    }

    /// The error a connection reports after a failed call returned `code`.
    static func last(_ db: OpaquePointer?, code: Int32, sql: String? = nil) -> SQLiteError {
        guard let db else {
            return SQLiteError(extendedCode: code, message: String(cString: sqlite3_errstr(code)), sql: sql)
        }
        // sqlite3_extended_errcode reflects the most recent failed call on this connection, which is the
        // call that returned `code`: every connection is used by one thread at a time.
        let extended = sqlite3_extended_errcode(db)
        let message = String(cString: sqlite3_errmsg(db))
        return SQLiteError(extendedCode: extended & 0xFF == code & 0xFF ? extended : code, message: message, sql: sql)
    }
}
