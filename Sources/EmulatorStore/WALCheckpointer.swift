import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checkpoints the WAL on a background queue, on its own connection, instead of in the committing request.
///
/// SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL frames, under the store's writer
/// lock: a restore point create writes ~31 frames, so every ~16th create copied the WAL into the database and
/// waited for two `fdatasync`s while every other write queued (docs/performance.md, "Restore points at scale").
/// Here the writer's WAL hook only counts frames, and this checkpointer:
/// - every `passiveFrames` new frames, runs a PASSIVE checkpoint beside the writer: it copies the frames
///   committed so far and syncs, never waiting for a writer or a reader (sqlite.org/wal.html §"Checkpointing");
/// - once the WAL holds `restartFrames`, runs a RESTART holding the writer lock: under a steady write load a
///   PASSIVE checkpoint never catches up with the last commit, and SQLite starts the WAL over only after one
///   that did (sqlite.org/wal.html §"Avoiding Excessively Large WAL Files"). Before it takes the lock it
///   catches up outside it: more PASSIVE rounds while frames keep coming, each followed by an `fdatasync` of
///   the database file, since a PASSIVE checkpoint that stops short of the last frame leaves what it copied
///   unsynced (the WAL still holds it) and the RESTART would sync all of it with the writer waiting. The
///   writer then waits for the last frames' copy, two syncs and readers still on the WAL (at most
///   `restartWaitMilliseconds`; when they outlast that, the next round tries again): 1–120 ms, mostly
///   12–40 ms, per restart under a create load (50 VMs, to 20,000 restore points).
///
/// Durability does not change: a commit is in the WAL before `write` returns, and a checkpoint only moves it
/// into the database file (CONTRACT.md §9).
final class WALCheckpointer: Sendable {
    /// New WAL frames that start a PASSIVE checkpoint (16 MiB of 4 KiB pages).
    static let defaultPassiveFrames = 4_000
    /// WAL frames that make the checkpointer start the WAL over (64 MiB, `journal_size_limit`).
    static let defaultRestartFrames = 16_000
    /// How long the RESTART waits for readers (their transactions last microseconds).
    static let restartWaitMilliseconds: Int32 = 20
    /// At most this many PASSIVE rounds before a RESTART, while more than `catchUpFrames` are left to copy.
    static let catchUpRounds = 4
    static let catchUpFrames = 256

    private struct State {
        /// The checkpointer's connection, opened on first use; nil once closed.
        var connection: ExclusiveConnection?
        /// `databaseFD` is still open.
        var holdsFile = true
        /// WAL frames after which the next checkpoint is due.
        var nextCheckpointAt: Int
        /// WAL frames after the writer's last commit.
        var walFrames = 0
        /// A checkpoint is queued or running.
        var isBusy = false
        var isClosed = false
        /// Checkpoints run, for tests: (passive, restart).
        var counts = (passive: 0, restart: 0)
    }

    let path: String
    let passiveFrames: Int
    let restartFrames: Int
    private let synchronous: SynchronousMode
    private let queue = DispatchQueue(label: "rpemu.store.checkpointer", qos: .utility)
    private let state: Mutex<State>
    /// A descriptor of the database file for `fdatasync` (fsync(2): it flushes the file's pages whichever
    /// descriptor wrote them); -1 if it could not be opened. Closed by `releaseFile()` only.
    private let databaseFD: Int32
    /// Takes the store's writer lock around `body` (nothing is passed in: the restart uses its own connection).
    private let withWriterLock: @Sendable (() -> Void) -> Void

    init(
        path: String, synchronous: SynchronousMode, passiveFrames: Int = defaultPassiveFrames,
        restartFrames: Int = defaultRestartFrames, withWriterLock: @escaping @Sendable (() -> Void) -> Void
    ) {
        precondition(passiveFrames > 0 && restartFrames >= passiveFrames, "thresholds out of order")
        self.path = path
        self.synchronous = synchronous
        self.passiveFrames = passiveFrames
        self.restartFrames = restartFrames
        self.withWriterLock = withWriterLock
        databaseFD = open(path, O_RDONLY | O_CLOEXEC)
        state = Mutex(State(nextCheckpointAt: passiveFrames))
    }

    deinit { releaseFile() }  // a store whose opening failed after this was made never closes it

    /// Checkpoints run so far: (passive, restart).
    var counts: (passive: Int, restart: Int) { state.withLock { $0.counts } }
    /// WAL frames after the writer's last commit.
    var walFrames: Int { state.withLock { $0.walFrames } }

    /// The writer committed and the WAL now holds `frames` frames. Called from the writer's WAL hook, under
    /// the writer lock: it only decides, the work is queued.
    func committed(frames: Int) {
        let start = state.withLock { state -> Bool in
            state.walFrames = frames
            // A smaller WAL than last seen: it started over, so the next checkpoint is one interval away.
            if frames + passiveFrames < state.nextCheckpointAt { state.nextCheckpointAt = passiveFrames }
            guard !state.isBusy, !state.isClosed, frames >= state.nextCheckpointAt else { return false }
            state.isBusy = true
            state.nextCheckpointAt = frames + passiveFrames
            return true
        }
        if start { queue.async { self.run() } }
    }

    /// Has `writer` call `committed(frames:)` after each of its commits. The writer must not outlive `self`
    /// with the hook set: the hook holds `self` unretained (the store owns both and closes the writer before it lets go of `self`).
    func attach(to writer: SQLiteConnection) throws(SQLiteError) {
        try writer.setWALHook(context: Unmanaged.passUnretained(self).toOpaque()) { context, _, _, frames in
            if let context {
                Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(frames: Int(frames))
            }
            return 0  // SQLITE_OK: a hook's error would be the committing statement's.
        }
    }

    /// Waits for a queued checkpoint, then closes the connection; later commits queue nothing.
    func close() {
        state.withLock { $0.isClosed = true }
        queue.sync {
            state.withLock { state in
                state.connection?.connection.close()
                state.connection = nil
            }
        }
    }

    /// Closes the database file's descriptor, once the store's writer is closed. Closing any descriptor of a file
    /// drops every POSIX lock the process holds on it (fcntl(2), "Record locking"), and the lock of
    /// `EmulatorStore.fileVFS` is what keeps other processes out while the writer's last checkpoint runs.
    func releaseFile() {
        let holds = state.withLock { state in
            defer { state.holdsFile = false }
            return state.holdsFile
        }
        if holds, databaseFD >= 0 { closeDescriptor(databaseFD) }
    }

    /// One round on the queue: PASSIVE, then RESTART when the WAL is long. A failure is left for the next
    /// round: the WAL only grows meanwhile, and the writer's last close checkpoints it all.
    private func run() {
        defer { state.withLock { $0.isBusy = false } }
        guard let box = try? connection() else { return }
        guard var passive = try? box.connection.checkpoint(.passive) else { return }
        state.withLock { $0.counts.passive += 1 }
        guard passive.walFrames >= restartFrames else { return }
        // Catch up outside the lock: under load the writer commits thousands of frames while a checkpoint copies
        // and syncs, and the RESTART would copy and sync those with the writer waiting. Each round copies what
        // the one before let in, fewer each time while the copy outpaces the commits.
        for _ in 0..<Self.catchUpRounds {
            // What the RESTART's own sync of the database then finds left to write: the pages of the last round.
            _ = fdatasync(databaseFD)
            let behind = state.withLock { $0.walFrames } - passive.checkpointed
            guard behind > Self.catchUpFrames, let next = try? box.connection.checkpoint(.passive) else { break }
            passive = next
        }
        withWriterLock {
            guard (try? box.connection.checkpoint(.restart))?.completed == true else { return }
            state.withLock { state in
                state.counts.restart += 1
                state.nextCheckpointAt = passiveFrames
            }
        }
    }

    /// The checkpointer's own read-write connection: its `synchronous` decides the checkpoint's syncs, as the
    /// writer's does for its commits (sqlite.org/pragma.html#pragma_synchronous).
    private func connection() throws(SQLiteError) -> ExclusiveConnection? {
        if let open = state.withLock({ state in state.isClosed ? nil : state.connection }) { return open }
        let connection = try SQLiteConnection(
            path: path, flags: [.readWrite, .noMutex, .extendedResultCodes], vfs: EmulatorStore.fileVFS)
        try connection.setBusyTimeout(milliseconds: Self.restartWaitMilliseconds)
        try connection.setPragma("synchronous", synchronous.pragmaValue)
        let box = ExclusiveConnection(connection)
        let kept = state.withLock { state -> Bool in
            guard !state.isClosed else { return false }
            state.connection = box
            return true
        }
        guard kept else {
            connection.close()
            return nil
        }
        return box
    }
}

/// `close(2)`, out of reach of `WALCheckpointer.close()`.
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }
