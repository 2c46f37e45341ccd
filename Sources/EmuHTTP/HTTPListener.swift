import Dispatch

/// A listening socket on one event loop, accepting what is pending whenever it is readable (level-triggered: what
/// one turn leaves is reported again on the next).
final class HTTPListener: EventLoopHandler, @unchecked Sendable {
    // @unchecked Sendable: `token` and `paused` are only touched on `loop`; the rest is immutable.

    /// How long accepting pauses after EMFILE/ENFILE, so a full descriptor table does not spin the loop.
    static let exhaustionPause = Duration.milliseconds(100)

    let socket: Socket
    let bound: BoundListener
    let transport: any TransportFactory
    let loop: EventLoop
    let logger: Logger
    let onAccept: (Socket.Accepted, HTTPListener) -> Void
    private var token = 0
    private var paused = false

    init(
        configuration: ListenerConfiguration, loop: EventLoop, logger: Logger,
        onAccept: @escaping @Sendable (Socket.Accepted, HTTPListener) -> Void
    ) throws(SocketError) {
        let (socket, port) = try Socket.listen(host: configuration.host, port: configuration.port)
        self.socket = socket
        self.bound = BoundListener(host: configuration.host, port: port, isSecure: configuration.transport.isSecure)
        self.transport = configuration.transport
        self.loop = loop
        self.logger = logger
        self.onAccept = onAccept
    }

    /// Starts accepting.
    func start() {
        loop.execute {
            do {
                self.token = try self.loop.register(self, fd: self.socket.fd, events: Epoll.Mask.input)
            } catch {
                self.logger.error("cannot watch port \(self.bound.port): \(error)")
            }
        }
    }

    /// Stops accepting and closes the socket; returns once it is closed, so new connects are refused.
    /// Not on the listener's loop.
    func close() {
        let closed = DispatchSemaphore(value: 0)
        loop.execute {
            self.loop.deregister(self.token)
            self.socket.close()  // also leaves the epoll set
            closed.signal()
        }
        closed.wait()
    }

    /// Closes a listener that never started (another listener of the same `start` failed).
    func discard() { socket.close() }

    func handle(events: UInt32) {
        for _ in 0..<64 {  // bounded, so a burst of connects cannot starve the loop's connections
            do throws(SocketError) {
                guard let accepted = try socket.accept() else { return }
                onAccept(accepted, self)
            } catch {
                logger.warn("accept on port \(bound.port): \(error)")
                guard Socket.isDescriptorExhaustion(error.code) else { return }
                setWatching(false)
                loop.schedule(token, at: MonotonicClock.deadline(after: loop.now, Self.exhaustionPause))
                return
            }
        }
    }

    func deadlinePassed(_ deadline: UInt64) {
        if paused { setWatching(true) }
    }

    func loopStopping() { socket.close() }

    /// Pauses or resumes accepting; the socket stays in the epoll set, watched for nothing while paused.
    private func setWatching(_ on: Bool) {
        paused = !on
        do {
            try loop.epoll.modify(socket.fd, events: on ? Epoll.Mask.input : 0, token: token)
        } catch {
            logger.warn("port \(bound.port): \(error)")
        }
    }
}
