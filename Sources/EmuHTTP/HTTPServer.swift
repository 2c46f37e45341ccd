import Dispatch
import Synchronization

/// An HTTP/1.1 server on POSIX sockets and epoll event loops: any number of listeners, each plaintext or TLS through
/// its `TransportFactory`, all answering with one `HTTPResponder` (docs/architecture.md "HTTP server").
///
/// `configuration.eventLoops` threads each wait in `epoll_wait`; every accepted connection goes to one of them in
/// turn and stays there, so a connection's state needs no lock.
public final class HTTPServer: Sendable {
    struct State: ~Copyable {
        var listeners: [HTTPListener] = []
        /// Started by the first `start` with listeners, stopped by `stop`.
        var loops: EventLoopGroup?
    }

    public let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let logger: Logger
    let state = Mutex(State())
    /// Accepted connections not closed yet, those on their way to their loop included.
    private let openConnections = Atomic<Int>(0)

    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
    }

    /// Open connections right now.
    public var connectionCount: Int { openConnections.load(ordering: .acquiring) }

    /// Binds every listener and starts accepting; binds all or none (a failure closes the ones already bound).
    @discardableResult
    public func start(_ listeners: [ListenerConfiguration]) throws -> [BoundListener] {
        guard !listeners.isEmpty else { return [] }
        let (group, startedHere) = try state.withLock { (state: inout State) throws(SocketError) in
            if let loops = state.loops { return (loops, false) }
            let loops = try EventLoopGroup(count: configuration.eventLoops)
            state.loops = loops
            return (loops, true)
        }
        var opened: [HTTPListener] = []
        for (i, configuration) in listeners.enumerated() {
            do {
                let loop = group.loops[i % group.loops.count]
                opened.append(
                    try HTTPListener(configuration: configuration, loop: loop, logger: logger) {
                        [weak self, group] accepted, listener in
                        self?.accepted(accepted, on: listener, loops: group)
                    })
            } catch {
                for listener in opened { listener.discard() }
                if startedHere {
                    state.withLock { $0.loops = nil }
                    group.shutdown()
                }
                throw error
            }
        }
        state.withLock { $0.listeners += opened }
        for listener in opened {
            logger.info(
                "listening on \(listener.bound.isSecure ? "https" : "http")://\(listener.bound.host):\(listener.bound.port)"
            )
            listener.start()
        }
        return opened.map(\.bound)
    }

    /// Graceful stop: stops accepting at once, lets requests under way finish and their responses be written (at
    /// most `drainTimeout`), closes idle keep-alive connections, then closes everything and ends the event loops.
    /// Returns when done; calling it again does nothing. Must not be called from a responder (it waits for
    /// responders to return, and a responder runs on an event loop).
    public func stop() {
        let (listeners, group) = state.withLock { state in
            defer {
                state.listeners = []
                state.loops = nil
            }
            return (state.listeners, state.loops)
        }
        guard let group else { return }
        for listener in listeners { listener.close() }
        if connectionCount > 0 {
            logger.info("stopping: draining \(connectionCount) connection(s)")
            Self.onEveryConnection(group) { $0.beginDrain() }
            if !waitForConnections(within: configuration.drainTimeout) {
                logger.warn("stopping: closing \(connectionCount) connection(s) still open after the drain timeout")
                Self.onEveryConnection(group) { $0.closeNow() }
                _ = waitForConnections(within: .seconds(2))
            }
        }
        group.shutdown()
    }

    /// Runs `action` on every connection, each on its own loop.
    private static func onEveryConnection(
        _ group: EventLoopGroup, _ action: @escaping @Sendable (HTTPConnection) -> Void
    ) {
        for loop in group.loops {
            loop.execute {
                for case let connection as HTTPConnection in loop.handlers.values { action(connection) }
            }
        }
    }

    /// Polls until no connection is open; false when `interval` passed first.
    private func waitForConnections(within interval: Duration) -> Bool {
        let deadline = MonotonicClock.deadline(after: MonotonicClock.now(), interval)
        let tick = DispatchSemaphore(value: 0)
        while connectionCount > 0 {
            if MonotonicClock.now() >= deadline { return false }
            _ = tick.wait(timeout: .now() + .milliseconds(5))
        }
        return true
    }

    /// Runs on the listener's loop for every accepted socket: the connection goes to the next loop in turn.
    private func accepted(_ accepted: Socket.Accepted, on listener: HTTPListener, loops: EventLoopGroup) {
        // Over the cap: accept and close at once (HTTPServerConfiguration.maxConnections).
        guard openConnections.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue <= configuration.maxConnections
        else {
            openConnections.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            logger.warn("refusing \(accepted.remoteAddress): \(configuration.maxConnections) connections open")
            accepted.socket.close()
            return
        }
        let transport: any ConnectionTransport
        do {
            transport = try listener.transport.makeTransport()
        } catch {
            openConnections.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            logger.warn("cannot make a transport for \(accepted.remoteAddress): \(error)")
            accepted.socket.close()
            return
        }
        let loop = loops.nextLoop()
        let connection = HTTPConnection(
            accepted: accepted, loop: loop, transport: transport, isSecure: listener.bound.isSecure,
            responder: responder, configuration: configuration, logger: logger
        ) { [weak self] in
            self?.openConnections.wrappingSubtract(1, ordering: .acquiringAndReleasing)
        }
        if loop.inLoop {
            connection.start()
        } else {
            loop.execute { connection.start() }
        }
    }
}
