/// Writes responses in HTTP/1.1 wire form (RFC 9112 §4, §6), adding the framing fields the server owns.
///
/// Adds `Content-Length` (always, except 1xx/204/304 which have none, RFC 9110 §8.6; a streamed body has
/// `Transfer-Encoding: chunked` on HTTP/1.1 instead, and on HTTP/1.0 ends with the connection), `Date` when the
/// responder gave none (RFC 9110 §6.6.1), and `Connection: close` or, for a kept HTTP/1.0 connection,
/// `Connection: keep-alive`. Any `Content-Length`, `Transfer-Encoding` or `Connection` the responder set is replaced.
public struct HTTPResponseSerializer: Sendable {
    private var date = HTTPDate()

    public init() {}

    /// The interim response sent before an expected body (RFC 9110 §15.2.1).
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Whether the connection stays open after this exchange (RFC 9112 §9.3): HTTP/1.1 unless either side says
    /// `close`; HTTP/1.0 only with `Connection: keep-alive`, and never after a streamed body, which HTTP/1.0 can
    /// only end by closing (it has no chunked coding, RFC 9112 §6.3).
    public static func keepAlive(request: HTTPRequest, response: HTTPResponse) -> Bool {
        let asked = request.headers.values("Connection").flatMap(HTTPSyntax.listElements)
        if asked.contains("close") { return false }
        if request.version.minor == 0 && streamsBody(response, method: request.method) { return false }
        if let answered = response.headers["Connection"], HTTPSyntax.listElements(answered).contains("close") {
            return false
        }
        return request.version.minor >= 1 || asked.contains("keep-alive")
    }

    /// Whether the connection writes `response.stream` after the head: not for HEAD nor a status without a body.
    public static func streamsBody(_ response: HTTPResponse, method: HTTPMethod) -> Bool {
        response.stream != nil && method != .head && !isBodyless(response.status)
    }

    /// RFC 9110 §8.6: no Content-Length in 1xx and 204; 304 may omit it.
    static func isBodyless(_ status: Int) -> Bool { status < 200 || status == 204 || status == 304 }

    /// Appends `response`'s head and, unless it streams, its body to `out`. For HEAD the headers are those of a
    /// GET and no body is written (RFC 9110 §9.3.2): `Content-Length` is the body the responder returned, or its
    /// own value if it returned none. A streamed body follows as `chunk`s and a `lastChunk` on HTTP/1.1.
    public mutating func serialize(
        _ response: HTTPResponse, method: HTTPMethod = .get, version: HTTPVersion = .http1_1, keepAlive: Bool,
        into out: inout [UInt8]
    ) {
        let status = response.status
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        Self.appendDecimal(status, to: &out)
        out.append(HTTPSyntax.space)
        out.append(contentsOf: HTTPResponse.reasonPhrase(status).utf8)
        Self.crlf(&out)
        var hasDate = false
        var declaredLength: String?
        for field in response.headers {
            if HTTPHeaders.equalNames(field.name, "Content-Length") {
                declaredLength = field.value
                continue
            }
            if HTTPHeaders.equalNames(field.name, "Transfer-Encoding")
                || HTTPHeaders.equalNames(field.name, "Connection")
            {
                continue
            }
            if !hasDate && HTTPHeaders.equalNames(field.name, "Date") { hasDate = true }
            Self.appendField(field.name, field.value, to: &out)
        }
        if !hasDate {
            out.append(contentsOf: "Date: ".utf8)
            out.append(contentsOf: date.current())
            Self.crlf(&out)
        }
        let bodyless = Self.isBodyless(status)
        let isHead = method == .head
        if response.stream != nil && !bodyless {
            if version.minor >= 1 { out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8) }
        } else if !bodyless {
            out.append(contentsOf: "Content-Length: ".utf8)
            if isHead && response.body.isEmpty, let declaredLength,
                declaredLength.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            {
                out.append(contentsOf: declaredLength.utf8)
            } else {
                Self.appendDecimal(response.body.count, to: &out)
            }
            Self.crlf(&out)
        }
        if !keepAlive {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if version.minor == 0 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        Self.crlf(&out)
        if !bodyless && !isHead && response.stream == nil { out.append(contentsOf: response.body) }
    }

    /// One chunk of a chunked body (RFC 9112 §7.1): size in hex, CRLF, the bytes, CRLF. An empty piece writes
    /// nothing: a zero-size chunk would end the body.
    static func appendChunk(_ piece: [UInt8], to out: inout [UInt8]) {
        guard !piece.isEmpty else { return }
        out.append(contentsOf: String(piece.count, radix: 16).utf8)
        crlf(&out)
        out.append(contentsOf: piece)
        crlf(&out)
    }

    /// The last chunk with no trailer section (RFC 9112 §7.1).
    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    /// `name: value CRLF`; CR and LF inside either become SP so a responder cannot split the response.
    private static func appendField(_ name: String, _ value: String, to out: inout [UInt8]) {
        appendSanitized(name, to: &out)
        out.append(HTTPSyntax.colon)
        out.append(HTTPSyntax.space)
        appendSanitized(value, to: &out)
        crlf(&out)
    }

    private static func appendSanitized(_ s: String, to out: inout [UInt8]) {
        let mark = out.count
        out.append(contentsOf: s.utf8)
        for i in mark..<out.count where out[i] == HTTPSyntax.cr || out[i] == HTTPSyntax.lf { out[i] = HTTPSyntax.space }
    }

    @inline(__always)
    private static func crlf(_ out: inout [UInt8]) {
        out.append(HTTPSyntax.cr)
        out.append(HTTPSyntax.lf)
    }

    /// Appends a non-negative integer in decimal without building a String.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var n = max(value, 0)
        var width = 0
        var rest = n
        repeat {
            width += 1
            rest /= 10
        } while rest > 0
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var i = out.count - 1
        repeat {
            out[i] = UInt8(ascii: "0") + UInt8(n % 10)
            n /= 10
            i -= 1
        } while n > 0
    }
}
