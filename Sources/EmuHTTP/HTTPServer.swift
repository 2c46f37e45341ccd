import Dispatch
import Synchronization

/// An HTTP/1.1 server on POSIX sockets and Dispatch: any number of listeners, each plaintext or TLS through its
/// `TransportFactory`, all answering with one `HTTPResponder` (DESIGN.md "Server shape").
public final class HTTPServer: Sendable {
    struct State: ~Copyable {
        var listeners: [HTTPListener] = []
        var connections: [Int: HTTPConnection] = [:]
        var nextConnectionID = 0
    }

    public let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let logger: Logger
    let state = Mutex(State())

    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
    }

    /// Open connections right now.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds every listener and starts accepting; binds all or none (a failure closes the ones already bound).
    @discardableResult
    public func start(_ listeners: [ListenerConfiguration]) throws -> [BoundListener] {
        var opened: [HTTPListener] = []
        for configuration in listeners {
            do {
                opened.append(
                    try HTTPListener(configuration: configuration, logger: logger) { [weak self] accepted, listener in
                        self?.accepted(accepted, on: listener)
                    })
            } catch {
                for listener in opened { listener.discard() }
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
    /// most `drainTimeout`), closes idle keep-alive connections, then closes everything. Returns when done;
    /// calling it again does nothing. Must not be called from a responder (it waits for responders to return).
    public func stop() {
        let listeners = state.withLock { state in
            defer { state.listeners = [] }
            return state.listeners
        }
        for listener in listeners { listener.close() }
        let draining = state.withLock { Array($0.connections.values) }
        guard !draining.isEmpty else { return }
        logger.info("stopping: draining \(draining.count) connection(s)")
        for connection in draining { connection.beginDrain() }
        if waitForConnections(within: DispatchTimeInterval(configuration.drainTimeout)) { return }
        let stuck = state.withLock { Array($0.connections.values) }
        logger.warn("stopping: closing \(stuck.count) connection(s) still open after the drain timeout")
        for connection in stuck { connection.forceClose() }
        _ = waitForConnections(within: .seconds(2))
    }

    /// Polls until no connection is open; false when `interval` passed first.
    private func waitForConnections(within interval: DispatchTimeInterval) -> Bool {
        let deadline = DispatchTime.now() + interval
        let tick = DispatchSemaphore(value: 0)
        while connectionCount > 0 {
            if DispatchTime.now() >= deadline { return false }
            _ = tick.wait(timeout: .now() + .milliseconds(5))
        }
        return true
    }

    /// Runs on the listener's queue for every accepted socket.
    private func accepted(_ accepted: Socket.Accepted, on listener: HTTPListener) {
        let transport: any ConnectionTransport
        do {
            transport = try listener.transport.makeTransport()
        } catch {
            logger.warn("cannot make a transport for \(accepted.remoteAddress): \(error)")
            accepted.socket.close()
            return
        }
        let connection: HTTPConnection? = state.withLock { state in
            // Over the cap: accept and close at once (HTTPServerConfiguration.maxConnections).
            guard state.connections.count < configuration.maxConnections else { return nil }
            state.nextConnectionID += 1
            let connection = HTTPConnection(
                id: state.nextConnectionID, accepted: accepted, transport: transport, isSecure: listener.bound.isSecure,
                responder: responder, configuration: configuration, logger: logger
            ) { [weak self] closed in
                self?.state.withLock { _ = $0.connections.removeValue(forKey: closed.id) }
            }
            state.connections[connection.id] = connection
            return connection
        }
        guard let connection else {
            logger.warn("refusing \(accepted.remoteAddress): \(configuration.maxConnections) connections open")
            accepted.socket.close()
            return
        }
        connection.start()
    }
}
