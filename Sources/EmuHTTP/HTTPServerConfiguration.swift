import Glibc

/// Limits, timeouts and the error renderer shared by every listener of an `HTTPServer`.
public struct HTTPServerConfiguration: Sendable {
    /// Request line plus header fields, blank line included (RFC 9112 §2.1); over it → 431.
    public var maxHeaderBytes: Int
    /// Request body after chunked decoding; over it → 413 (as soon as a Content-Length or a chunk says so).
    public var maxBodyBytes: Int
    /// From a request's first byte until its header section is complete; over it → 408 and close.
    /// A new connection must also send its first byte within this time, or it is closed silently.
    public var headerReadTimeout: Duration
    /// Between requests on a kept-alive connection (closed silently), and the longest stall of a body upload or
    /// of a client not reading its response (closed).
    public var idleTimeout: Duration
    /// Open connections at most. Over it the listener still accepts but closes the new connection at once, so the
    /// client sees a reset instead of waiting in the backlog, and the accept source never spins on a full table.
    public var maxConnections: Int
    /// How long `HTTPServer.stop()` lets in-flight requests finish before closing everything.
    public var drainTimeout: Duration
    /// Event-loop threads, each waiting in `epoll_wait` for its share of the connections (at least 1).
    public var eventLoops: Int
    /// The response for a request that could not be read (400, 408, 413, 417, 431, 501, 505).
    public var errorResponse: @Sendable (HTTPParseError) -> HTTPResponse

    public init(
        maxHeaderBytes: Int = 32 * 1024, maxBodyBytes: Int = 4 * 1024 * 1024,
        headerReadTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60), maxConnections: Int = 1024, drainTimeout: Duration = .seconds(5),
        eventLoops: Int = HTTPServerConfiguration.defaultEventLoops,
        errorResponse: @escaping @Sendable (HTTPParseError) -> HTTPResponse = HTTPServerConfiguration
            .defaultErrorResponse
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.headerReadTimeout = headerReadTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.drainTimeout = drainTimeout
        self.eventLoops = max(eventLoops, 1)
        self.errorResponse = errorResponse
    }

    /// One per processor online, at least 2 (so a responder waiting on a lock stalls only half the connections).
    /// More loops than cores measured slower on 2 cores: responders preempted inside SQLite's mutexes made the
    /// other loops wait (docs/architecture.md "HTTP server", docs/performance.md).
    public static var defaultEventLoops: Int { max(2, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// `{"error":{"code":"BadRequest","message":"..."}}` as `application/json; charset=utf-8`.
    public static func defaultErrorResponse(_ error: HTTPParseError) -> HTTPResponse {
        var body = Array("{\"error\":{\"code\":\"".utf8)
        body.append(contentsOf: error.code.utf8)
        body.append(contentsOf: "\",\"message\":\"".utf8)
        for scalar in error.message.unicodeScalars {
            switch scalar {
            case "\"": body.append(contentsOf: "\\\"".utf8)
            case "\\": body.append(contentsOf: "\\\\".utf8)
            case _ where scalar.value < 0x20:
                body.append(contentsOf: "\\u00\(scalar.value < 0x10 ? "0" : "")\(String(scalar.value, radix: 16))".utf8)
            default: body.append(contentsOf: String(scalar).utf8)
            }
        }
        body.append(contentsOf: "\"}}".utf8)
        return HTTPResponse(
            status: error.status, headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
            body: body)
    }
}
