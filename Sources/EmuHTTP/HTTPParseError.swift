/// Why a request could not be read. Each case maps to one status; the connection answers once and closes.
public enum HTTPParseError: Error, Sendable, Equatable {
    /// Malformed syntax or framing (RFC 9112 §2.2, §3, §5, §6): 400.
    case badRequest(String)
    /// The header section did not complete in time: 408 (RFC 9110 §15.5.9).
    case requestTimeout(String)
    /// The body is larger than the server accepts: 413 (RFC 9110 §15.5.14).
    case contentTooLarge(String)
    /// An `Expect` the server cannot meet: 417 (RFC 9110 §10.1.1).
    case expectationFailed(String)
    /// The request line and header fields are larger than the server accepts: 431 (RFC 6585 §5).
    case headerFieldsTooLarge(String)
    /// A transfer coding the server does not implement: 501 (RFC 9112 §6.1).
    case notImplemented(String)
    /// A major version other than HTTP/1: 505 (RFC 9110 §15.6.6).
    case versionNotSupported(String)

    /// The response status for this error.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .requestTimeout: 408
        case .contentTooLarge: 413
        case .expectationFailed: 417
        case .headerFieldsTooLarge: 431
        case .notImplemented: 501
        case .versionNotSupported: 505
        }
    }

    /// What went wrong, for the error body and the log.
    public var message: String {
        switch self {
        case .badRequest(let m), .requestTimeout(let m), .contentTooLarge(let m), .expectationFailed(let m),
            .headerFieldsTooLarge(let m), .notImplemented(let m), .versionNotSupported(let m):
            m
        }
    }

    /// A short PascalCase code for error bodies (`BadRequest`, `RequestHeaderFieldsTooLarge`...).
    public var code: String {
        switch self {
        case .badRequest: "BadRequest"
        case .requestTimeout: "RequestTimeout"
        case .contentTooLarge: "ContentTooLarge"
        case .expectationFailed: "ExpectationFailed"
        case .headerFieldsTooLarge: "RequestHeaderFieldsTooLarge"
        case .notImplemented: "NotImplemented"
        case .versionNotSupported: "HTTPVersionNotSupported"
        }
    }
}
