import Synchronization

/// Read-only connections to one WAL database, lent to one reader at a time.
///
/// WAL lets every reader run beside the writer on its own snapshot. A reader takes an idle connection or
/// opens a new one, so a read never waits for another read; at most `maxIdle` stay open between reads.
final class ReaderPool: Sendable {
    private struct State {
        var idle: [ExclusiveConnection] = []
        var isClosed = false
    }

    let path: String
    let maxIdle: Int
    let busyTimeout: Int32
    private let state = Mutex(State())

    init(path: String, maxIdle: Int = 16, busyTimeout: Int32) {
        self.path = path
        self.maxIdle = maxIdle
        self.busyTimeout = busyTimeout
    }

    /// Closes the idle connections; those lent out close when they come back.
    func close() {
        let idle = state.withLock { state in
            state.isClosed = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        for box in idle { box.connection.close() }
    }

    /// Closes the connections idle right now, freeing their page caches; the next reads open new ones.
    func closeIdle() {
        let idle = state.withLock { state in
            defer { state.idle.removeAll() }
            return state.idle
        }
        for box in idle { box.connection.close() }
    }

    /// How many connections wait for a reader.
    var idleCount: Int { state.withLock { $0.idle.count } }

    /// Lends out an idle connection, or a new one; the caller gives it back with `checkIn` and meanwhile is
    /// its only user.
    func checkOut() throws(StoreError) -> ExclusiveConnection {
        let taken: ExclusiveConnection?? = state.withLock { state in
            state.isClosed ? nil : .some(state.idle.popLast())
        }
        guard let taken else { throw .closed }
        if let taken { return taken }
        do throws(SQLiteError) {
            let connection = try SQLiteConnection(path: path, flags: .reader, vfs: EmulatorStore.fileVFS)
            try connection.setBusyTimeout(milliseconds: busyTimeout)
            try connection.setPragma("mmap_size", String(EmulatorStore.mmapBytes))
            return ExclusiveConnection(connection)
        } catch {
            throw .sqlite(error)
        }
    }

    /// Takes a connection back: kept for the next reader, or closed if enough are idle or the pool is closed.
    func checkIn(_ box: ExclusiveConnection) {
        let kept = state.withLock { state in
            guard !state.isClosed, state.idle.count < maxIdle else { return false }
            state.idle.append(box)
            return true
        }
        if !kept { box.connection.close() }
    }
}
