/// The writer connection, and whether a write batch is open on it (`EmulatorStore.writeBatch`).
// @unchecked Sendable: both are touched only by the thread holding the store's `WriterLock`.
final class WriterConnection: @unchecked Sendable {
    let connection: SQLiteConnection
    /// A batch's transaction is open: every `write` on the lock's thread is a savepoint inside it.
    var batchOpen = false

    init(_ connection: SQLiteConnection) {
        self.connection = connection
    }
}
