import CSQLite

extension SQLiteConnection {
    /// How far a checkpoint goes (<https://www.sqlite.org/c3ref/wal_checkpoint_v2.html>).
    enum CheckpointMode: Sendable {
        /// Copies what it can without waiting for a writer or a reader.
        case passive
        /// Copies every frame, then waits (busy handler) until no reader uses the WAL, so that the next
        /// writer starts the WAL over from its first frame.
        case restart

        var rawValue: Int32 {
            switch self {
            case .passive: SQLITE_CHECKPOINT_PASSIVE
            case .restart: SQLITE_CHECKPOINT_RESTART
            }
        }
    }

    /// What a checkpoint found and did.
    struct CheckpointResult: Sendable, Equatable {
        /// Frames in the WAL.
        var walFrames: Int
        /// Frames now copied into the database file.
        var checkpointed: Int
        /// False when a reader or another checkpoint kept it from finishing (`SQLITE_BUSY`); what it copied stays.
        var completed: Bool
    }

    /// Runs a checkpoint of the main database.
    func checkpoint(_ mode: CheckpointMode) throws(SQLiteError) -> CheckpointResult {
        let db = try db(for: nil)
        var log: Int32 = 0
        var done: Int32 = 0
        let code = sqlite3_wal_checkpoint_v2(db, nil, mode.rawValue, &log, &done)
        guard code == SQLITE_OK || code & 0xFF == SQLITE_BUSY else { throw SQLiteError.last(db, code: code) }
        return CheckpointResult(walFrames: Int(log), checkpointed: Int(done), completed: code == SQLITE_OK)
    }

    /// Calls `hook` after every commit with the number of frames then in the WAL, in place of SQLite's
    /// automatic checkpoint (<https://www.sqlite.org/c3ref/wal_hook.html>: one hook per connection, and
    /// `wal_autocheckpoint` is itself such a hook, so this replaces it). `context` is passed back as is and
    /// must outlive the hook; nil removes it.
    func setWALHook(
        context: UnsafeMutableRawPointer?,
        _ hook: (@convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32)?
    ) throws(SQLiteError) {
        sqlite3_wal_hook(try db(), hook, context)
    }
}
