/// A request method token (RFC 9110 §9). Stored as sent; methods are case-sensitive.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let get = HTTPMethod("GET")
    public static let head = HTTPMethod("HEAD")
    public static let put = HTTPMethod("PUT")
    public static let post = HTTPMethod("POST")
    public static let patch = HTTPMethod("PATCH")
    public static let delete = HTTPMethod("DELETE")
    public static let options = HTTPMethod("OPTIONS")
}

/// One parsed HTTP/1.1 request with its whole body.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request-target exactly as sent (origin-form, e.g. `/a%20b?x=1`).
    public var target: String
    /// The path part of the target, still percent-encoded (made when asked: only paging's next links read it).
    public var rawPath: String { String(URLComponentsParser.split(target).path) }
    /// The path split on `/` with each segment percent-decoded; empty segments are dropped,
    /// so `//metadata/endpoints` reads as `["metadata", "endpoints"]` (reference/clients.md §5).
    public var pathSegments: [String]
    /// Query parameters in order, names and values percent-decoded (`+` stays `+`).
    public var query: [(name: String, value: String)]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// True when the request arrived over TLS.
    public var isSecure: Bool
    /// The peer's address as `host:port`.
    public var remoteAddress: String
    /// The version from the request line; HTTP/1.1 for requests built in code.
    public var version: HTTPVersion = .http1_1

    public init(
        method: HTTPMethod, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        isSecure: Bool = false, remoteAddress: String = ""
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.isSecure = isSecure
        self.remoteAddress = remoteAddress
        let (path, query) = URLComponentsParser.split(target)
        self.pathSegments = URLComponentsParser.segments(path)
        self.query = URLComponentsParser.queryItems(query)
    }

    /// The first query value named `name`, compared case-insensitively (ARM treats `$expand` and `$Expand` alike).
    public func queryValue(_ name: String) -> String? {
        for q in query where HTTPHeaders.equalNames(q.name, name) { return q.value }
        return nil
    }

    /// The decoded path joined again with `/`.
    public var path: String { "/" + pathSegments.joined(separator: "/") }
}
