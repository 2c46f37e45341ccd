import EmuCore
import EmuHTTP

/// What a handler sees: the HTTP request with its route captures, ids, served api-version and base URL.
public struct ARMRequest: Sendable {
    public let http: HTTPRequest
    /// The route's `{name}` segments, decoded.
    public let parameters: RouteCaptures
    /// `x-ms-request-id` of this response; also the id of an operation this request starts (CONTRACT.md §3).
    public let requestID: String
    public let correlationID: String
    public let apiVersion: ServedAPIVersion
    /// `https://host:port` from the `Host` header and the listener's scheme (CONTRACT.md §1).
    public let baseURL: String

    public init(
        http: HTTPRequest, parameters: RouteCaptures, requestID: String, correlationID: String,
        apiVersion: ServedAPIVersion, baseURL: String
    ) {
        self.http = http
        self.parameters = parameters
        self.requestID = requestID
        self.correlationID = correlationID
        self.apiVersion = apiVersion
        self.baseURL = baseURL
    }

    /// A route capture; the route guarantees it exists.
    public subscript(_ name: String) -> String { parameters[name] ?? "" }

    /// The base URL for a request: scheme from the listener, authority from `Host` (RFC 9112 §3.2).
    public static func baseURL(for http: HTTPRequest) -> String {
        let host = http.headers["Host"].flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        return (http.isSecure ? "https://" : "http://") + host
    }

    /// The JSON object body. Empty or non-object bodies and parse failures → 400 `InvalidRequestContent`.
    public func body() throws(ARMError) -> ARMBody { try Self.parseBody(http.body) }

    /// Parses a JSON object body, with ARM's `InvalidRequestContent` errors (line and position of the fault).
    public static func parseBody(_ input: [UInt8]) throws(ARMError) -> ARMBody {
        // A UTF-8 byte order mark (Windows PowerShell 5 writes one) is not part of the document (RFC 8259 §8.1).
        let bytes = input.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(input.dropFirst(3)) : input
        guard !bytes.isEmpty else {
            throw .invalidRequestContent("The request body is empty; a JSON object is required.")
        }
        let json: JSON
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            let (line, column) = position(of: error.offset, in: bytes)
            throw .invalidRequestContent("\(error.message). Path '', line \(line), position \(column).")
        }
        guard case .object(let object) = json else {
            throw .invalidRequestContent(
                "Expected a JSON object but found \(json.kindName). Path '', line 1, position 1.")
        }
        return ARMBody(object)
    }

    /// The body if there is one (POST actions with optional bodies).
    public func optionalBody() throws(ARMError) -> ARMBody? {
        http.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) ? nil : try body()
    }

    /// 1-based line and position in characters, as JSON.NET reports them: UTF-8 continuation bytes do not
    /// count, so a fault after `é` is not reported one position too far.
    static func position(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var column = 0
        for b in bytes.prefix(offset) {
            if b == 0x0A {
                line += 1
                column = 0
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column + 1)
    }
}
