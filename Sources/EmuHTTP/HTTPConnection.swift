/// One accepted connection: socket bytes → transport → parser → responder → serializer → transport → socket.
///
/// Confined to its event loop's thread. The socket is edge-triggered (epoll(7)) for input and output at once, so
/// it is registered once and never modified: an event only sets `readReady` or clears `writeBlocked`, and `drive`
/// does what those allow. While the socket is full, reading stops, so a client that does not read cannot make the
/// server buffer without bound. Responses to pipelined requests go out in request order because the responder is
/// called synchronously, in order, on the loop.
final class HTTPConnection: EventLoopHandler, @unchecked Sendable {
    // @unchecked Sendable: made on the accepting thread, handed to `loop` through its inbox, and from `start` on
    // every `var` is read and written only on the loop's thread; the `let`s are immutable.

    /// Where the connection is in its life.
    enum Lifecycle {
        /// Reading and answering requests.
        case open
        /// The last response is queued; after it is written the connection half-closes.
        case closingAfterFlush
        /// Half-closed; discarding what the peer still sends until it closes (RFC 9112 §9.6), bounded in time.
        case lingering
        /// The descriptor is closed and the loop has forgotten the connection.
        case closed
    }

    /// At most this much is read before the buffered requests are answered, so an upload cannot fill memory
    /// before the parser judges it.
    static let readBurst = 4 * EventLoop.readSize
    /// The size asked of a streamed body per piece.
    static let streamPieceSize = 64 * 1024
    /// Past this much unsent output, parsing pauses until the socket takes it.
    static let outputHighWater = 1024 * 1024
    /// How long a half-closed connection waits for the peer to close.
    static let lingerTime = Duration.seconds(2)

    let socket: Socket
    let loop: EventLoop
    let transport: any ConnectionTransport
    let responder: any HTTPResponder
    let configuration: HTTPServerConfiguration
    let logger: Logger
    let onClose: @Sendable () -> Void

    /// The loop's name for this connection (events and deadlines).
    var token = 0
    var parser: HTTPParser
    var serializer = HTTPResponseSerializer()
    /// Serialized responses not yet given to the transport.
    var plainOut: [UInt8] = []
    /// Bytes for the socket; `out[outOffset...]` is unsent.
    var out: [UInt8] = []
    var outOffset = 0
    /// The body being streamed, if any, and whether it is chunked (HTTP/1.1) or ends with the connection
    /// (HTTP/1.0). No further request is parsed until it ends, so answers stay in request order.
    var streaming: (body: any HTTPBodyStream, chunked: Bool)?
    /// Scratch for one streamed piece (reused).
    var piece: [UInt8] = []

    var lifecycle = Lifecycle.open
    /// An input edge came and the socket may still hold bytes (edge-triggered: no new event until it is drained).
    var readReady = false
    /// The peer hung up (EPOLLRDHUP/EPOLLHUP): read to end-of-file, a short read no longer means "empty".
    var hangupSeen = false
    /// A send hit EAGAIN; the next output edge clears it.
    var writeBlocked = false
    /// The peer closed its sending side (read returned 0).
    var peerFinished = false
    /// `HTTPServer.stop()` asked this connection to finish its current request and close.
    var draining = false
    var requestsServed = 0
    /// `MonotonicClock` times.
    var acceptedAt: UInt64 = 0
    var lastActivity: UInt64 = 0
    var headStartedAt: UInt64?
    var lingerDeadline = UInt64.max
    /// A response is held back until then (`HTTPResponse.holdBack`): nothing is written or read before it.
    var heldUntil: UInt64?
    /// The request whose response another thread is making (`HTTPAnswer.later`): nothing more is read or parsed
    /// until it comes.
    var awaited: HTTPRequest?
    /// The earliest deadline the loop will call back for.
    var scheduledFire = UInt64.max

    init(
        accepted: Socket.Accepted, loop: EventLoop, transport: any ConnectionTransport, isSecure: Bool,
        responder: any HTTPResponder, configuration: HTTPServerConfiguration, logger: Logger,
        onClose: @escaping @Sendable () -> Void
    ) {
        self.socket = accepted.socket
        self.loop = loop
        self.transport = transport
        self.responder = responder
        self.configuration = configuration
        self.logger = logger
        self.onClose = onClose
        self.parser = HTTPParser(
            maxHeaderBytes: configuration.maxHeaderBytes, maxBodyBytes: configuration.maxBodyBytes,
            isSecure: isSecure, remoteAddress: accepted.remoteAddress)
    }

    /// Joins the loop (on its thread): watches the socket and starts the timeouts.
    func start() {
        acceptedAt = loop.now
        lastActivity = loop.now
        let events = Epoll.Mask.input | Epoll.Mask.output | Epoll.Mask.peerHangup | Epoll.Mask.edgeTriggered
        do {
            token = try loop.register(self, fd: socket.fd, events: events)
        } catch {
            logger.warn("\(parser.remoteAddress): \(error)")
            lifecycle = .closed
            socket.close()
            onClose()
            return
        }
        updateTimer()
        // A socket already readable when added reports at once (epoll_ctl(2)), so the first request is not missed.
    }

    /// Graceful stop: close now if idle, else after the request under way is answered.
    func beginDrain() {
        draining = true
        if lifecycle == .open && parser.phase == .idle && !writeBlocked && streaming == nil && heldUntil == nil
            && awaited == nil && outOffset == out.count
        {
            closeNow()
        }
    }

    /// Continues a streamed body, then parses what is buffered and answers every complete request, in order.
    /// Returns true when it stopped early because unsent output passed the high-water mark.
    func processInput() -> Bool {
        var stoppedEarly = false
        while heldUntil == nil && awaited == nil
            && (lifecycle == .open || (lifecycle == .closingAfterFlush && streaming != nil))
        {
            if out.count - outOffset + plainOut.count > Self.outputHighWater {
                stoppedEarly = true
                break
            }
            if let streaming {
                guard produce(streaming) else { return false }  // the stream failed: closed
                continue
            }
            let event: HTTPParser.Event?
            do {
                event = try parser.next()
            } catch {
                logger.debug("\(parser.remoteAddress): \(error.status) \(error.message)")
                answerAndClose(configuration.errorResponse(error))
                break
            }
            guard let event else { break }
            switch event {
            case .continueNeeded:
                plainOut.append(contentsOf: HTTPResponseSerializer.continueResponse)
            case .request(let request):
                headStartedAt = nil
                requestsServed += 1
                switch responder.answer(request) {
                case .now(let response):
                    queue(response, to: request)
                case .later(let pending):
                    awaited = request
                    pending.whenFulfilled(on: loop) { [self] response in answerAwaited(response) }
                }
            }
        }
        encodeOutput()
        if lifecycle == .closingAfterFlush && streaming == nil { transport.shutdown(toSocket: &out) }
        return stoppedEarly
    }

    /// Serializes the response to `request`, and notes what it asks of the connection: a streamed body, a close,
    /// a hold-back.
    private func queue(_ response: HTTPResponse, to request: HTTPRequest) {
        let keepAlive = !draining && HTTPResponseSerializer.keepAlive(request: request, response: response)
        serializer.serialize(
            response, method: request.method, version: request.version, keepAlive: keepAlive, into: &plainOut)
        if let body = response.stream, HTTPResponseSerializer.streamsBody(response, method: request.method) {
            streaming = (body, request.version.minor >= 1)
        }
        if !keepAlive { lifecycle = .closingAfterFlush }
        if response.holdBack > .zero {
            heldUntil = MonotonicClock.deadline(after: MonotonicClock.now(), response.holdBack)
        }
    }

    /// The response another thread made for `awaited` (on the loop): queued as if it had come at once, then the
    /// connection goes on with what is buffered.
    private func answerAwaited(_ response: HTTPResponse) {
        guard lifecycle != .closed, let request = awaited else { return }
        awaited = nil
        queue(response, to: request)
        lastActivity = loop.now
        // As `processInput` ends: a held response waits in `out` for its deadline, not in `plainOut`.
        encodeOutput()
        if lifecycle == .closingAfterFlush && streaming == nil { transport.shutdown(toSocket: &out) }
        drive()  // an input edge that came meanwhile left `readReady` set
    }

    /// Asks the streamed body for its next piece and frames it; false when the stream threw and the connection
    /// closed (RFC 9112 §7.1: without the last chunk the client knows the body is incomplete).
    private func produce(_ stream: (body: any HTTPBodyStream, chunked: Bool)) -> Bool {
        piece.removeAll(keepingCapacity: true)
        let more: Bool
        do {
            more = try stream.body.next(into: &piece, limit: Self.streamPieceSize)
        } catch {
            logger.error("\(parser.remoteAddress): streamed response failed: \(error); closing")
            streaming = nil
            encodeOutput()  // best effort: what was produced goes out before the close
            _ = flush()
            closeNow()
            return false
        }
        if stream.chunked {
            HTTPResponseSerializer.appendChunk(piece, to: &plainOut)
            if !more { plainOut.append(contentsOf: HTTPResponseSerializer.lastChunk) }
        } else {
            plainOut.append(contentsOf: piece)
        }
        if !more {
            streaming = nil  // on HTTP/1.0 `keepAlive` already chose to close, which ends the body
            if piece.capacity > 4 * Self.streamPieceSize { piece = [] }
        }
        return true
    }

    /// Queues a final response (parse error or timeout); the connection closes once it is written.
    func answerAndClose(_ response: HTTPResponse) {
        serializer.serialize(response, method: .get, keepAlive: false, into: &plainOut)
        lifecycle = .closingAfterFlush
    }

    /// Hands serialized responses to the transport (encrypts for TLS).
    func encodeOutput() {
        guard !plainOut.isEmpty else { return }
        do {
            try transport.send(plainOut, toSocket: &out)
        } catch {
            logger.debug("\(parser.remoteAddress): transport send failed: \(error)")
            plainOut.removeAll()
            closeNow()
            return
        }
        if plainOut.capacity > 256 * 1024 { plainOut = [] } else { plainOut.removeAll(keepingCapacity: true) }
    }
}
