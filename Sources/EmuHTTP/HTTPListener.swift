import Dispatch

/// A listening socket whose pending connections a read source accepts, on its own serial queue.
final class HTTPListener: @unchecked Sendable {
    // @unchecked Sendable: `paused` and the source's suspension are only touched on `queue`; the rest is immutable.

    let socket: Socket
    let bound: BoundListener
    let transport: any TransportFactory
    let queue: DispatchQueue
    let source: any DispatchSourceRead
    let logger: Logger
    let onAccept: @Sendable (Socket.Accepted, HTTPListener) -> Void
    /// Accepting paused after EMFILE/ENFILE, so the level-triggered source does not spin.
    private var paused = false

    init(
        configuration: ListenerConfiguration, logger: Logger,
        onAccept: @escaping @Sendable (Socket.Accepted, HTTPListener) -> Void
    ) throws(SocketError) {
        let (socket, port) = try Socket.listen(host: configuration.host, port: configuration.port)
        self.socket = socket
        self.bound = BoundListener(host: configuration.host, port: port, isSecure: configuration.transport.isSecure)
        self.transport = configuration.transport
        self.logger = logger
        self.onAccept = onAccept
        self.queue = DispatchQueue(label: "rpemu.http.listener.\(port)")
        self.source = DispatchSource.makeReadSource(fileDescriptor: socket.fd, queue: queue)
    }

    /// Starts accepting.
    func start() {
        source.setEventHandler { self.acceptPending() }
        source.activate()
    }

    /// Stops accepting and closes the socket; returns once it is closed, so new connects are refused.
    func close() {
        let closed = DispatchSemaphore(value: 0)
        queue.sync {
            source.setCancelHandler {
                self.socket.close()
                closed.signal()
            }
            if paused {
                paused = false
                source.resume()
            }
            source.cancel()
        }
        closed.wait()
    }

    /// Closes a listener that never started (another listener of the same `start` failed). A source must be
    /// activated before it is released, and the socket closes only once the source is cancelled.
    func discard() {
        source.setCancelHandler { self.socket.close() }
        source.activate()
        source.cancel()
    }

    private func acceptPending() {
        dispatchPrecondition(condition: .onQueue(queue))
        for _ in 0..<64 {  // bounded, so one listener cannot starve the others' queues
            do throws(SocketError) {
                guard let accepted = try socket.accept() else { return }
                onAccept(accepted, self)
            } catch {
                logger.warn("accept on port \(bound.port): \(error)")
                guard Socket.isDescriptorExhaustion(error.code) else { return }
                paused = true
                source.suspend()
                queue.asyncAfter(deadline: .now() + .milliseconds(100)) {
                    guard self.paused else { return }
                    self.paused = false
                    self.source.resume()
                }
                return
            }
        }
    }
}
