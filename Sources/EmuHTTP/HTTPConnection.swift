import Dispatch

/// One accepted connection: socket bytes → transport → parser → responder → serializer → transport → socket.
///
/// Confined to `queue`: one serial queue and one read source per connection; a write source only while the socket
/// is full (EAGAIN), which also suspends reading so a client that does not read cannot make the server buffer
/// without bound. Responses to pipelined requests go out in request order because the responder is called
/// synchronously, in order, on this queue.
final class HTTPConnection: @unchecked Sendable {
    // @unchecked Sendable: every `var` below is read and written only on `queue` (dispatchPrecondition in the entry
    // points); the `let`s are immutable, and the sources are only touched on `queue` or before activation.

    /// Where the connection is in its life.
    enum Lifecycle {
        /// Reading and answering requests.
        case open
        /// The last response is queued; after it is written the connection half-closes.
        case closingAfterFlush
        /// Half-closed; discarding what the peer still sends until it closes (RFC 9112 §9.6), bounded in time.
        case lingering
        /// Sources cancelled; the descriptor closes when both cancel handlers have run.
        case closed
    }

    /// The largest read; TLS records are at most 16 KiB + overhead, so a read holds at least one.
    static let readSize = 32 * 1024
    /// The size asked of a streamed body per piece.
    static let streamPieceSize = 64 * 1024
    /// Past this much unsent output, parsing pauses until the socket takes it.
    static let outputHighWater = 1024 * 1024
    /// How long a half-closed connection waits for the peer to close.
    static let lingerTime = DispatchTimeInterval.seconds(2)

    let id: Int
    let socket: Socket
    let queue: DispatchQueue
    let readSource: any DispatchSourceRead
    let timer: any DispatchSourceTimer
    var writeSource: (any DispatchSourceWrite)?
    let transport: any ConnectionTransport
    let responder: any HTTPResponder
    let configuration: HTTPServerConfiguration
    let logger: Logger
    let onClose: @Sendable (HTTPConnection) -> Void
    /// Socket reads land here; freed in `deinit`.
    let readBuffer: UnsafeMutableRawBufferPointer

    var parser: HTTPParser
    var serializer = HTTPResponseSerializer()
    /// The last read's bytes, handed to the transport (reused).
    var wire: [UInt8] = []
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
    var readSuspended = false
    var writeArmed = false
    /// The peer closed its sending side (read returned 0).
    var peerFinished = false
    /// `HTTPServer.stop()` asked this connection to finish its current request and close.
    var draining = false
    var requestsServed = 0
    let acceptedAt = DispatchTime.now()
    var lastActivity = DispatchTime.now()
    var headStartedAt: DispatchTime?
    var lingerDeadline = DispatchTime.distantFuture
    var scheduledFire = DispatchTime.distantFuture
    var pendingCancellations = 0

    init(
        id: Int, accepted: Socket.Accepted, transport: any ConnectionTransport, isSecure: Bool,
        responder: any HTTPResponder, configuration: HTTPServerConfiguration, logger: Logger,
        onClose: @escaping @Sendable (HTTPConnection) -> Void
    ) {
        self.id = id
        self.socket = accepted.socket
        self.transport = transport
        self.responder = responder
        self.configuration = configuration
        self.logger = logger
        self.onClose = onClose
        self.queue = DispatchQueue(label: "rpemu.http.connection", target: .global())
        self.readSource = DispatchSource.makeReadSource(fileDescriptor: accepted.socket.fd, queue: queue)
        self.timer = DispatchSource.makeTimerSource(queue: queue)
        self.readBuffer = .allocate(byteCount: Self.readSize, alignment: 16)
        self.parser = HTTPParser(
            maxHeaderBytes: configuration.maxHeaderBytes, maxBodyBytes: configuration.maxBodyBytes,
            isSecure: isSecure, remoteAddress: accepted.remoteAddress)
    }

    deinit { readBuffer.deallocate() }

    /// Starts reading and the timers.
    func start() {
        readSource.setEventHandler { self.readable() }
        readSource.setCancelHandler { self.sourceCancelled() }
        timer.setEventHandler { self.timerFired() }
        queue.async {
            self.updateTimer()
            self.readSource.activate()
            self.timer.activate()
        }
    }

    /// Graceful stop: close now if idle, else after the request under way is answered.
    func beginDrain() {
        queue.async {
            self.draining = true
            if self.lifecycle == .open && self.parser.phase == .idle && !self.writeArmed && self.streaming == nil {
                self.closeNow()
            }
        }
    }

    /// Closes whatever state the connection is in (the drain timeout passed).
    func forceClose() { queue.async { self.closeNow() } }

    /// Continues a streamed body, then parses what is buffered and answers every complete request, in order.
    /// Returns true when it stopped early because unsent output passed the high-water mark.
    func processInput() -> Bool {
        var stoppedEarly = false
        while lifecycle == .open || (lifecycle == .closingAfterFlush && streaming != nil) {
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
                let response = responder.respond(to: request)
                let keepAlive = !draining && HTTPResponseSerializer.keepAlive(request: request, response: response)
                serializer.serialize(
                    response, method: request.method, version: request.version, keepAlive: keepAlive, into: &plainOut)
                if let body = response.stream, HTTPResponseSerializer.streamsBody(response, method: request.method) {
                    streaming = (body, request.version.minor >= 1)
                }
                if !keepAlive { lifecycle = .closingAfterFlush }
            }
        }
        encodeOutput()
        if lifecycle == .closingAfterFlush && streaming == nil { transport.shutdown(toSocket: &out) }
        return stoppedEarly
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

    /// Answers, writes, and decides what comes next; runs after every read and whenever the socket drains.
    func pump() {
        var more = true
        while more {
            more = lifecycle == .open || streaming != nil ? processInput() : false
            guard flush() else { return }  // blocked: the write source calls back; or closed
        }
        switch lifecycle {
        case .closingAfterFlush:
            if peerFinished { closeNow() } else { beginLinger() }
        case .open:
            if peerFinished || (draining && parser.phase == .idle) {
                closeNow()  // nothing more will arrive; a partial request is dropped unanswered
            } else {
                resumeReading()
                updateTimer()
            }
        case .lingering, .closed:
            break
        }
    }

    /// Half-closes and discards input until the peer closes or `lingerTime` passes, so that a client still sending
    /// (an oversized body) reads the final response instead of a reset (RFC 9112 §9.6).
    func beginLinger() {
        socket.shutdownWrite()
        lifecycle = .lingering
        lingerDeadline = DispatchTime.now() + (draining ? .milliseconds(250) : Self.lingerTime)
        resumeReading()
        updateTimer()
    }
}
