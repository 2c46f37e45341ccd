import EmuHTTP
import Testing

@Suite("HTTPParser: malformed requests")
struct HTTPParserMalformedTests {
    @Test(arguments: [
        ("GET /\r\n\r\n", 400),  // no version
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),  // two spaces
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),  // trailing space
        ("G@T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),  // method not a token
        (" GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400),  // leading space
        ("GET noslash HTTP/1.1\r\nHost: h\r\n\r\n", 400),  // not origin-form
        ("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),  // asterisk-form for GET
        ("GET /a\u{7F}b HTTP/1.1\r\nHost: h\r\n\r\n", 400),  // DEL in target
        ("GET / HTTX/1.1\r\nHost: h\r\n\r\n", 400),  // not HTTP
        ("GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400),  // bad version syntax
        ("GET / http/1.1\r\nHost: h\r\n\r\n", 400),  // version is case-sensitive
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),  // HTTP/2 prior-knowledge preface
    ])
    func badRequestLines(wire: String, status: Int) {
        #expect(ParserHarness.status(wire) == status)
    }

    @Test(arguments: [
        "NoColon\r\n",  // no colon
        "Bad Name: x\r\n",  // space in name
        "Host : x\r\n",  // whitespace before the colon (RFC 9112 §5.1)
        ": empty-name\r\n",
        "X-Fold: a\r\n folded\r\n",  // obs-fold (RFC 9112 §5.2)
        "X-Fold: a\r\n\tfolded\r\n",
        "X-Ctl: a\u{01}b\r\n",  // control character in a value
        "X-Nul: a\u{00}b\r\n",
        "X-CR: a\rb\r\n",  // bare CR (RFC 9112 §2.2)
        "X-CR-End: a\r\r\n",  // a CR before the CR LF
        "Host: second\r\n",  // two Host fields (RFC 9112 §3.2)
        "host: second\r\n",  // the same, in another case
        "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n",  // both framings (RFC 9112 §6.1)
        "Transfer-Encoding: chunked\r\nContent-Length: 1\r\n",
        "Content-Length: -1\r\n",
        "Content-Length: abc\r\n",
        "Content-Length: +5\r\n",
        "Content-Length: 5, 6\r\n",  // disagreeing list
        "Content-Length: 5\r\nContent-Length: 6\r\n",  // disagreeing fields
        "Content-Length: \r\n",
        "Content-Length: 1 2\r\n",
        "Transfer-Encoding: chunked, chunked\r\n",  // chunked twice
        "Expect: 100-continue, something-else\r\n",  // 417, checked below
    ])
    func badHeaderFields(field: String) {
        let status = ParserHarness.status("POST / HTTP/1.1\r\nHost: h\r\n\(field)\r\n")
        #expect(status == (field.hasPrefix("Expect") ? 417 : 400), "\(field.debugDescription)")
    }

    @Test func whitespaceBeforeTheFirstFieldIsRejected() {
        #expect(ParserHarness.status("GET / HTTP/1.1\r\n Host: h\r\n\r\n") == 400)
    }

    @Test func missingHostInHTTP11IsRejected() {
        #expect(ParserHarness.status("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") == 400)
    }

    @Test(arguments: ["gzip", "gzip, chunked", "compress", "chunked, gzip", "identity"])
    func unsupportedTransferCodingsAre501(coding: String) {
        #expect(ParserHarness.status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \(coding)\r\n\r\n") == 501)
    }

    @Test func transferEncodingInHTTP10IsRejected() {
        #expect(ParserHarness.status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400)
    }

    @Test func otherExpectationsAre417() {
        #expect(ParserHarness.status("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n") == 417)
    }

    @Test func anErrorIsSticky() throws {
        var parser = HTTPParser()
        parser.append(Array("BAD\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.self) { try parser.next() }
        #expect(throws: HTTPParseError.self) { try parser.next() }
    }

    @Test func errorsCarryStatusCodeAndMessage() throws {
        let error = try #require(ParserHarness.error("GET / HTTP/3.0\r\nHost: h\r\n\r\n"))
        #expect(error.status == 505)
        #expect(error.code == "HTTPVersionNotSupported")
        #expect(!error.message.isEmpty)
    }
}
