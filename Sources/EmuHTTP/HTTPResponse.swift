/// A response. The server adds `Content-Length` (or, for a streamed body, `Transfer-Encoding`), `Date`,
/// `Connection` as framing requires; for HEAD it sends the headers a GET would have and no body (RFC 9110 §9.3.2).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// When set, the body is this stream's output (`body` is ignored): written as it is produced.
    public var stream: (any HTTPBodyStream)?
    /// How long the connection waits before writing this response (a deliberate delay, such as a fault rule's).
    /// The connection arms a deadline instead of sleeping, so its event loop serves other connections meanwhile;
    /// it reads no further request until the response is out.
    public var holdBack: Duration

    public init(
        status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], stream: (any HTTPBodyStream)? = nil,
        holdBack: Duration = .zero
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.stream = stream
        self.holdBack = holdBack
    }

    /// The standard reason phrase for `status` (RFC 9110 §15), or "Unknown".
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 416: "Range Not Satisfiable"
        case 417: "Expectation Failed"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Unknown"
        }
    }
}

/// What the server calls for every complete request. Called on the connection's event loop thread, one request at
/// a time per connection: implementations must be thread-safe across connections and must not block, since every
/// connection on the same loop waits meanwhile. To answer after a delay, set `HTTPResponse.holdBack`; to answer
/// from another thread, return `.later` from `answer(_:)`.
public protocol HTTPResponder: Sendable {
    /// The response, now (in-process callers use this one).
    func respond(to request: HTTPRequest) -> HTTPResponse
    /// What the server calls: the response now, or a promise of it that another thread keeps. The default answers
    /// now with `respond(to:)`.
    func answer(_ request: HTTPRequest) -> HTTPAnswer
}

extension HTTPResponder {
    public func answer(_ request: HTTPRequest) -> HTTPAnswer { .now(respond(to: request)) }
}

/// A responder's answer to one request.
public enum HTTPAnswer: Sendable {
    /// The response.
    case now(HTTPResponse)
    /// The response comes through this promise. The connection reads no further request until it does, so answers
    /// stay in request order.
    case later(HTTPPendingResponse)
}
