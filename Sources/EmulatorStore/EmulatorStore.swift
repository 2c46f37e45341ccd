import Synchronization

/// The emulator's persistent state in one SQLite database (CONTRACT.md §9).
///
/// One writer connection behind a `WriterLock` serializes writes; reads run on read-only connections from a
/// `ReaderPool`, beside the writer, each on a consistent WAL snapshot; a `WALCheckpointer` copies the WAL into
/// the database file beside them. In memory there is a single connection, so reads queue behind writes.
///
/// Several writes can share one transaction (`writeBatch`, for the application's write queue): one commit for all,
/// and the pages they share (index interiors, the tails of tables in time order) written once. A `read` or `write`
/// called inside an open write on the same thread joins it: a write as a savepoint (rolled back alone when its
/// closure throws), a read on the writer's own view.
public final class EmulatorStore: Sendable {
    /// The schema version this build reads and writes (`PRAGMA user_version`).
    public static let schemaVersion = Schema.currentVersion
    /// A meta key the migration to schema 2 leaves when it finds restore points, which that step cannot index.
    /// No build of rpemu wrote a restore point into a schema 1 file (restore points came after schema 2), so no
    /// file rpemu wrote carries it, and the application does not look for it: a file that did would keep its
    /// restore points without index rows or schedule.
    public static let rebuildRestorePointIndexMetaKey = "rebuild.restorePointIndex"
    /// How long a statement waits for a lock before failing with `SQLITE_BUSY`: another connection's in this
    /// process, or at open another process's (`fileVFS`), which may be a previous rpemu still shutting down.
    static let busyTimeoutMilliseconds: Int32 = 5_000
    /// The VFS of every connection to a file: "unix-excl" (sqlite.org/vfs.html, "Standard Unix VFSes"). The first
    /// connection takes an exclusive POSIX lock on the database file for the whole process, so another process
    /// cannot open it while this one runs (`StoreError.inUse`), and the WAL index lives in heap memory shared by
    /// this process's connections instead of in a `-shm` file whose locks are `fcntl` system calls. With the
    /// default "unix" VFS every read transaction made one or two of those calls under a mutex that the event
    /// loops then queued on: 1.45 `fcntl` and 1.2 `futex` per restore point GET (docs/performance.md).
    static let fileVFS = "unix-excl"
    /// How much of the file each connection may read through a memory map (`PRAGMA mmap_size`) instead of a
    /// `pread` per page. Mapped pages count as resident memory, so the map stays small: idle RSS has a 30 MB target
    /// (docs/performance.md), and a large map held the whole database resident after a scan.
    static let mmapBytes = 16 << 20
    /// The writer's page cache (`PRAGMA cache_size`, SQLite's default is 2 MiB). A create stream keeps a leaf of
    /// each index per VM hot, besides a batch's dirty pages: with 100,000 restore points on 250 VMs, 32 MiB made
    /// 2,367–2,508 creates/s where 16 MiB made 2,083 (docs/performance.md), for 17 MB more resident memory during
    /// the load. Given back when idle (`releaseIdleMemory`).
    static let writerCacheKiB = 32768

    /// The database file, or nil in memory.
    public let path: String?
    /// The one writer; nil once closed.
    private let writer: WriterLock<WriterConnection?>
    /// Readers for a file; nil in memory, where reads use the writer.
    private let readers: ReaderPool?
    /// Checkpoints for a file; nil in memory, which has no WAL.
    let checkpointer: WALCheckpointer?
    /// Parsed bodies that read transactions share (`resource(key:)`).
    let bodies = ParsedBodyCache()
    /// Two steps per write transaction: odd from its start until it has ended (see `generation`).
    private let writes = Atomic<UInt64>(0)

    /// Opens (creating and migrating as needed) the store at `location`.
    ///
    /// A file is put in WAL mode with `synchronous` applied; a file whose schema is newer than
    /// `schemaVersion` is refused with `StoreError.newerSchema` and left untouched.
    public convenience init(location: StoreLocation, synchronous: SynchronousMode = .normal) throws(StoreError) {
        try self.init(location: location, synchronous: synchronous, checkpointFrames: nil)
    }

    /// `init(location:synchronous:)` with the checkpointer's (passive, restart) WAL frame thresholds (tests).
    init(
        location: StoreLocation, synchronous: SynchronousMode = .normal, checkpointFrames: (Int, Int)?
    ) throws(StoreError) {
        switch location {
        case .file(let directory):
            try Self.createDirectory(directory)
            let separator = directory.hasSuffix("/") ? "" : "/"
            let path = directory + separator + StoreLocation.fileName
            let connection = try Self.openWriter(path: path, synchronous: synchronous)
            let writer = WriterLock<WriterConnection?>(WriterConnection(connection))
            let frames =
                checkpointFrames ?? (WALCheckpointer.defaultPassiveFrames, WALCheckpointer.defaultRestartFrames)
            let checkpointer = WALCheckpointer(
                path: path, synchronous: synchronous, passiveFrames: frames.0, restartFrames: frames.1,
                withWriterLock: { body in writer.withPriority { _ in body() } })
            do throws(SQLiteError) { try checkpointer.attach(to: connection) } catch { throw .sqlite(error) }
            self.path = path
            self.writer = writer
            self.checkpointer = checkpointer
            readers = ReaderPool(path: path, busyTimeout: Self.busyTimeoutMilliseconds)
        case .inMemory:
            writer = WriterLock(WriterConnection(try Self.openWriter(path: ":memory:", synchronous: nil)))
            path = nil
            readers = nil
            checkpointer = nil
        }
    }

    deinit { close() }

    /// A number that is the same only while the stored data is: it moves when a write transaction starts and again
    /// when it has ended, committed or not, and never goes back. nil while a write transaction is open.
    ///
    /// For caches of what reads found (the application's kept restore point renders): a result read in a
    /// transaction begun after `generation` returned G is still what the store holds as long as `generation` still
    /// returns G. Read while a write is open, a transaction might see the data before or after its commit, so no
    /// number is given then.
    public var generation: UInt64? {
        let g = writes.load(ordering: .sequentiallyConsistent)
        return g & 1 == 0 ? g : nil
    }

    /// Runs `body` on a consistent snapshot. Runs beside writes, and beside other reads, for a file.
    public func read<T>(_ body: (ReadTransaction) throws(StoreError) -> T) throws(StoreError) -> T {
        try read(mapError: { $0 }, body)
    }

    /// `read` for a body that throws any error; the error comes out unchanged.
    public func read<T>(_ body: (ReadTransaction) throws -> T) throws -> T {
        try read(mapError: { $0 }, body)
    }

    /// `read` for a body with its own typed error; the store's own failures are turned into it by `mapError`.
    public func read<T, Failure: Error>(
        mapError: (StoreError) -> Failure, _ body: (ReadTransaction) throws(Failure) -> T
    ) throws(Failure) -> T {
        // In memory, and inside a write on this thread (a batch's job), the read is the writer's: it sees that write.
        guard let readers, !writer.isHeldByCurrentThread else {
            return try withWriter(mapError: mapError) { (writer) throws(Failure) -> T in
                let transaction = ReadTransaction(connection: writer.connection, bodies: bodies)
                guard writer.connection.isAutocommit else { return try Self.joined(transaction, body) }
                return try Self.transact(transaction, .deferred, mapError, body)
            }
        }
        let reader: ExclusiveConnection
        do throws(StoreError) { reader = try readers.checkOut() } catch { throw mapError(error) }
        defer { readers.checkIn(reader) }
        let transaction = ReadTransaction(connection: reader.connection, bodies: bodies)
        return try Self.transact(transaction, .deferred, mapError, body)
    }

    /// Runs `body` in the one write transaction at a time (BEGIN IMMEDIATE). When `write` returns, the
    /// changes are committed, durable per the synchronous mode; when `body` throws, none of them happened.
    /// Inside a batch or another write on this thread, `body` runs in a savepoint of that transaction instead: its
    /// changes commit with it, and a throw undoes only `body`'s.
    public func write<T>(_ body: (WriteTransaction) throws(StoreError) -> T) throws(StoreError) -> T {
        try write(mapError: { $0 }, body)
    }

    /// `write` for a body that throws any error: the transaction rolls back and the error comes out unchanged.
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        try write(mapError: { $0 }, body)
    }

    /// `write` for a body with its own typed error (a domain error rolls back like any other); the store's
    /// own failures are turned into it by `mapError`.
    public func write<T, Failure: Error>(
        mapError: (StoreError) -> Failure, _ body: (WriteTransaction) throws(Failure) -> T
    ) throws(Failure) -> T {
        try withWriter(mapError: mapError) { (writer) throws(Failure) -> T in
            let transaction = WriteTransaction(connection: writer.connection, bodies: bodies)
            guard writer.batchOpen || !writer.connection.isAutocommit else {
                return try withGenerationMoved { () throws(Failure) -> T in
                    try Self.transact(transaction, .immediate, mapError, body)
                }
            }
            // SQLite rolls a whole transaction back on some errors (sqlite.org/lang_transaction.html, "Response To
            // Errors"): a savepoint now would start a new transaction and commit apart from the batch.
            guard !writer.connection.isAutocommit else { throw mapError(.batchRolledBack) }
            defer { transaction.invalidate() }
            return try writer.connection.inSavepoint(mapError: { mapError(.sqlite($0)) }) { () throws(Failure) -> T in
                try body(transaction)
            }
        }
    }

    /// Runs `body` in one write transaction that every `write` it makes on this thread joins, each as a
    /// savepoint, and commits once when it returns: the group commit of `EmulatorApp`'s writer thread.
    ///
    /// The writes' results stand only if this returns without throwing; when it throws (the commit failed, or
    /// SQLite rolled the transaction back mid-way), none of them happened.
    public func writeBatch(_ body: () -> Void) throws(StoreError) {
        try withWriter(mapError: { $0 }) { (writer) throws(StoreError) in
            precondition(!writer.batchOpen && writer.connection.isAutocommit, "write batches do not nest")
            writer.batchOpen = true
            defer { writer.batchOpen = false }
            try withGenerationMoved { () throws(StoreError) in
                try writer.connection.inTransaction(.immediate, mapError: StoreError.sqlite) {
                    () throws(StoreError) in
                    body()
                    guard !writer.connection.isAutocommit else { throw .batchRolledBack }
                }
            }
        }
    }

    /// Gives back the memory the store holds for speed while the emulator is idle: the writer's page cache, the
    /// idle readers (closed; the next reads open new ones) and the parsed bodies. Nothing stored changes; the next
    /// requests only read their pages again from the file and parse their bodies again. `Emulator` calls it once a
    /// burst of requests is over (docs/performance.md, idle RSS).
    public func releaseIdleMemory() {
        bodies.removeAll()
        readers?.closeIdle()
        writer.withLock { box in box?.connection.releaseMemory() }
    }

    /// Connections the reader pool keeps open between reads (tests).
    var idleReaders: Int { readers?.idleCount ?? 0 }

    /// Closes every connection, after the write in progress, if any; later calls throw `StoreError.closed`.
    /// Closing the last connection checkpoints the WAL into the database file.
    public func close() {
        readers?.close()
        checkpointer?.close()  // before the writer: a restart round takes the writer lock.
        writer.update { box in
            box?.connection.close()
            box = nil
        }
        checkpointer?.releaseFile()  // after the writer: see `releaseFile`.
    }

    /// Runs `body`, a whole write transaction, with `generation` odd from before it starts until after it ends.
    private func withGenerationMoved<T, Failure: Error>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
        writes.add(1, ordering: .sequentiallyConsistent)
        defer { writes.add(1, ordering: .sequentiallyConsistent) }
        return try body()
    }

    private func withWriter<T, Failure: Error>(
        mapError: (StoreError) -> Failure, _ body: (WriterConnection) throws(Failure) -> T
    ) throws(Failure) -> T {
        try writer.withLock { (box) throws(Failure) -> T in
            guard let box else { throw mapError(.closed) }
            return try body(box)
        }
    }

    /// Runs `body` inside the transaction already open on its connection.
    private static func joined<Transaction: ReadTransaction, T, Failure: Error>(
        _ transaction: Transaction, _ body: (Transaction) throws(Failure) -> T
    ) throws(Failure) -> T {
        defer { transaction.invalidate() }
        return try body(transaction)
    }

    private static func transact<Transaction: ReadTransaction, T, Failure: Error>(
        _ transaction: Transaction, _ kind: SQLiteConnection.TransactionKind, _ mapError: (StoreError) -> Failure,
        _ body: (Transaction) throws(Failure) -> T
    ) throws(Failure) -> T {
        defer { transaction.invalidate() }
        return try transaction.connection.inTransaction(kind, mapError: { mapError(.sqlite($0)) }) {
            () throws(Failure) -> T in try body(transaction)
        }
    }
}
