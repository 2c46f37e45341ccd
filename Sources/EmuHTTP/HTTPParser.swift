/// An incremental HTTP/1.1 request parser (RFC 9112): feed it byte chunks split anywhere, take complete requests out.
///
/// Pipelined requests in one chunk come out one `next()` at a time, in order. After an error the parser stays failed:
/// the connection answers once and closes (RFC 9112 §9.6 is not worth resynchronising for).
public struct HTTPParser: Sendable {
    /// Where the parser stands between requests, for the connection's timers.
    public enum Phase: Sendable, Equatable {
        /// No byte of the next request has arrived.
        case idle
        /// Part of a request line or header section has arrived.
        case head
        /// The header section is complete and the body is still arriving.
        case body
    }

    /// What `next()` produced.
    public enum Event: Sendable {
        /// The client sent `Expect: 100-continue` and waits for the interim response before the body
        /// (RFC 9110 §10.1.1). Produced at most once per request.
        case continueNeeded
        /// A complete request with its whole body.
        case request(HTTPRequest)
    }

    /// A parsed header section, waiting for its body.
    struct Head {
        var method: HTTPMethod
        var target: String
        var version: HTTPVersion
        var headers: HTTPHeaders
        var expectsContinue: Bool
    }

    /// How the body is delimited (RFC 9112 §6.3).
    enum Framing {
        case length(Int)
        case chunked(ChunkedBody)
    }

    enum State {
        /// Scanning for the end of the header section; offsets are relative to `start`.
        case head(scanned: Int, lineStart: Int)
        case body(Head, Framing, continueSent: Bool)
        case failed(HTTPParseError)
    }

    /// Request line plus header fields, in bytes, including the blank line that ends them (exactly this many is fine).
    public let maxHeaderBytes: Int
    /// Body bytes after any chunked decoding (exactly this many is fine).
    public let maxBodyBytes: Int
    /// Copied into every request.
    public var isSecure: Bool
    /// Copied into every request.
    public var remoteAddress: String

    /// Received bytes; the unconsumed ones start at `start`. The connection appends to it directly.
    var buffer: [UInt8] = []
    var start = 0
    var state: State = .head(scanned: 0, lineStart: 0)

    public init(
        maxHeaderBytes: Int = 32 * 1024, maxBodyBytes: Int = 4 * 1024 * 1024, isSecure: Bool = false,
        remoteAddress: String = ""
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.isSecure = isSecure
        self.remoteAddress = remoteAddress
    }

    /// Appends received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// Bytes received and not yet consumed by a request.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Where the parser stands.
    public var phase: Phase {
        switch state {
        case .head: bufferedByteCount == 0 ? .idle : .head
        case .body: .body
        case .failed: .idle
        }
    }

    /// The next event the buffered bytes make, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> Event? {
        do {
            let event = try step()
            if event == nil { compact() }
            return event
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> Event? {
        switch state {
        case .failed(let error):
            throw error
        case .head(let scanned, let lineStart):
            guard let head = try parseHead(scanned: scanned, lineStart: lineStart) else { return nil }
            return try advanceBody(head.0, head.1, continueSent: false)
        case .body(let head, let framing, let continueSent):
            state = .head(scanned: 0, lineStart: 0)  // drop the body state's references while decoding
            return try advanceBody(head, framing, continueSent: continueSent)
        }
    }

    /// Takes what body bytes are here; completes the request or parks in `.body`.
    private mutating func advanceBody(
        _ head: Head, _ framing: Framing, continueSent: Bool
    ) throws(HTTPParseError) -> Event? {
        var framing = framing
        var body: [UInt8]?
        switch framing {
        case .length(let n):
            if bufferedByteCount >= n {
                body = Array(buffer[start..<start + n])
                start += n
            }
        case .chunked(var decoder):
            framing = .chunked(ChunkedBody())  // keep `decoder.body` uniquely referenced
            if try decoder.decode(&buffer, from: &start, maxBodyBytes: maxBodyBytes, maxTrailerBytes: maxHeaderBytes) {
                body = decoder.body
            } else {
                framing = .chunked(decoder)
            }
        }
        if let body {
            state = .head(scanned: 0, lineStart: 0)
            var request = HTTPRequest(
                method: head.method, target: head.target, headers: head.headers, body: body, isSecure: isSecure,
                remoteAddress: remoteAddress)
            request.version = head.version
            return .request(request)
        }
        // RFC 9110 §10.1.1: a server may skip the 100 once body bytes arrived, but sending it is always valid.
        let wantsContinue = head.expectsContinue && !continueSent
        state = .body(head, framing, continueSent: continueSent || wantsContinue)
        return wantsContinue ? .continueNeeded : nil
    }

    /// Drops consumed bytes so the buffer does not grow across keep-alive requests.
    private mutating func compact() {
        guard start > 0 else { return }
        if start == buffer.count {
            if buffer.capacity > 256 * 1024 { buffer = [] } else { buffer.removeAll(keepingCapacity: true) }
        } else {
            buffer.removeSubrange(0..<start)
        }
        start = 0
    }
}
