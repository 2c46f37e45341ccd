/// Why the store failed: the one error type of this layer.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// SQLite refused a call.
    case sqlite(SQLiteError)
    /// The file was written by a newer rpemu (its `user_version` is past every migration this build knows).
    case newerSchema(found: Int, known: Int)
    /// The file system refused (the data directory could not be created).
    case io(String)
    /// Another process has the database file open (`EmulatorStore.fileVFS`): one process per data directory.
    case inUse(path: String)
    /// A stored value could not be read back (malformed JSON in a body column).
    case corrupt(String)
    /// The store was closed.
    case closed
    /// Thrown by a transaction body to roll back without a store failure (the caller keeps its own reason).
    case aborted
    /// SQLite rolled a write batch's transaction back on an error (`EmulatorStore.writeBatch`): none of the
    /// batch's writes happened.
    case batchRolledBack

    public var description: String {
        switch self {
        case .sqlite(let error): error.description
        case .newerSchema(let found, let known):
            "the database has schema version \(found), newer than version \(known) this build knows"
        case .io(let message): "I/O error: \(message)"
        case .inUse(let path):
            "\(path) is in use by another process: one rpemu at a time per data directory (stop the other one, or "
                + "give this one its own --data-dir)"
        case .corrupt(let message): "corrupt data: \(message)"
        case .closed: "the store is closed"
        case .aborted: "the transaction was rolled back by its caller"
        case .batchRolledBack: "SQLite rolled back the write batch's transaction after an error"
        }
    }
}
