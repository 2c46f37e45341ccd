import Testing

@testable import EmuHTTP

@Suite("HTTPResponseSerializer")
struct HTTPResponseSerializerTests {
    /// The wire text with the Date line's value replaced by `<date>`.
    static func wire(
        _ response: HTTPResponse, method: HTTPMethod = .get, version: HTTPVersion = .http1_1, keepAlive: Bool = true
    ) -> String {
        var serializer = HTTPResponseSerializer()
        var out: [UInt8] = []
        serializer.serialize(response, method: method, version: version, keepAlive: keepAlive, into: &out)
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        return lines.map { $0.hasPrefix("Date: ") ? "Date: <date>" : String($0) }.joined(separator: "\r\n")
    }

    static let json = HTTPResponse(
        status: 200, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Array("{\"a\":1}".utf8))

    @Test func okWithBody() {
        #expect(
            Self.wire(Self.json)
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: <date>\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
        )
    }

    @Test func emptyBodyStillHasContentLength() {
        #expect(
            Self.wire(HTTPResponse(status: 202)) == "HTTP/1.1 202 Accepted\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n"
        )
    }

    @Test(arguments: [204, 304, 100])
    func statusesWithoutContent(status: Int) {
        let text = Self.wire(HTTPResponse(status: status, body: Array("ignored".utf8)))
        #expect(!text.contains("Content-Length"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test func headHasTheGetHeadersAndNoBody() {
        let text = Self.wire(Self.json, method: .head)
        #expect(
            text == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: <date>\r\nContent-Length: 7\r\n\r\n")
    }

    @Test func headKeepsAContentLengthTheResponderDeclaredWithoutABody() {
        let response = HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Length", "1234")]))
        #expect(Self.wire(response, method: .head).contains("Content-Length: 1234\r\n"))
        #expect(Self.wire(response, method: .get).contains("Content-Length: 0\r\n"))
    }

    @Test func closeAndHTTP10KeepAliveAreAnnounced() {
        #expect(Self.wire(Self.json, keepAlive: false).contains("\r\nConnection: close\r\n"))
        #expect(Self.wire(Self.json, version: .http1_0, keepAlive: true).contains("\r\nConnection: keep-alive\r\n"))
        #expect(!Self.wire(Self.json, keepAlive: true).contains("Connection"))
    }

    @Test func framingFieldsFromTheResponderAreReplaced() {
        let response = HTTPResponse(
            status: 200,
            headers: HTTPHeaders([
                ("Content-Length", "99"), ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive"), ("X-A", "b"),
            ]), body: Array("ab".utf8))
        #expect(Self.wire(response) == "HTTP/1.1 200 OK\r\nX-A: b\r\nDate: <date>\r\nContent-Length: 2\r\n\r\nab")
    }

    @Test func aResponderDateIsKept() {
        let response = HTTPResponse(status: 200, headers: HTTPHeaders([("Date", "Thu, 01 Jan 1970 00:00:00 GMT")]))
        let text = Self.wire(response)
        #expect(text.contains("Date: <date>"))
        #expect(text.split(separator: "\r\n").filter { $0.hasPrefix("Date:") }.count == 1)
    }

    @Test func lineBreaksInFieldsCannotSplitTheResponse() {
        let response = HTTPResponse(status: 200, headers: HTTPHeaders([("X-Evil", "a\r\nSet-Cookie: b")]))
        #expect(Self.wire(response).contains("X-Evil: a  Set-Cookie: b\r\n"))
    }

    @Test func unknownStatusHasAReasonPhrase() {
        #expect(Self.wire(HTTPResponse(status: 299)).hasPrefix("HTTP/1.1 299 Unknown\r\n"))
    }

    @Test(arguments: [0, 7, 10, 99, 100, 4_194_304, Int.max])
    func decimals(value: Int) {
        var out: [UInt8] = []
        HTTPResponseSerializer.appendDecimal(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == String(value))
    }

    @Test func keepAliveRules() {
        func decide(_ version: HTTPVersion, _ request: [(String, String)], _ response: [(String, String)] = []) -> Bool
        {
            var r = HTTPRequest(method: .get, target: "/", headers: HTTPHeaders(request))
            r.version = version
            return HTTPResponseSerializer.keepAlive(
                request: r, response: HTTPResponse(status: 200, headers: HTTPHeaders(response)))
        }
        #expect(decide(.http1_1, []))
        #expect(!decide(.http1_1, [("Connection", "close")]))
        #expect(!decide(.http1_1, [("Connection", "TE, Close")]))
        #expect(!decide(.http1_1, [], [("Connection", "close")]))
        #expect(!decide(.http1_0, []))
        #expect(decide(.http1_0, [("Connection", "Keep-Alive")]))
        #expect(decide(HTTPVersion(major: 1, minor: 2), []))
    }

    @Test func imfFixdate() {
        #expect(String(decoding: HTTPDate.format(784_111_777), as: UTF8.self) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(String(decoding: HTTPDate.format(0), as: UTF8.self) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(String(decoding: HTTPDate.format(951_782_400), as: UTF8.self) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(String(decoding: HTTPDate.format(4_102_444_799), as: UTF8.self) == "Thu, 31 Dec 2099 23:59:59 GMT")
    }

    @Test func dateIsCachedPerSecond() {
        var date = HTTPDate()
        #expect(date.bytes(at: 100) == HTTPDate.format(100))
        #expect(date.bytes(at: 100) == HTTPDate.format(100))
        #expect(date.bytes(at: 101) == HTTPDate.format(101))
        #expect(date.current().count == 29)
    }

    @Test func defaultErrorResponseIsJSON() {
        let response = HTTPServerConfiguration.defaultErrorResponse(.badRequest("a \"quoted\"\nline"))
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"error":{"code":"BadRequest","message":"a \"quoted\"\u000aline"}}"#)
    }
}
