/// A connection that crosses threads but is used by one thread at a time.
// @unchecked Sendable: the store touches `connection` only while holding the `WriterLock` (the writer), after
// taking this box out of `ReaderPool`'s idle list (a reader) and until putting it back, or on the
// `WALCheckpointer`'s serial queue (its own connection); either way exactly one thread owns it, and SQLite in
// multi-thread mode needs nothing more.
final class ExclusiveConnection: @unchecked Sendable {
    let connection: SQLiteConnection

    init(_ connection: SQLiteConnection) {
        self.connection = connection
    }
}
