import EmuHTTP
import Testing

@Suite("HTTPParser: chunked request bodies (RFC 9112 §7.1)")
struct HTTPParserChunkedTests {
    static let head = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"

    @Test func chunksAreJoined() throws {
        let requests = try ParserHarness.requests(Self.head + "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n")
        #expect(requests.map(\.bodyText) == ["hello world"])
    }

    @Test func hexSizesInEitherCaseWithLeadingZeros() throws {
        let body = String(repeating: "x", count: 26)
        let requests = try ParserHarness.requests(Self.head + "0001A\r\n\(body)\r\n000\r\n\r\n")
        #expect(requests.map(\.body.count) == [26])
        let lower = try ParserHarness.requests(Self.head + "1a\r\n\(body)\r\n0\r\n\r\n")
        #expect(lower.map(\.body.count) == [26])
    }

    @Test func chunkExtensionsAreIgnored() throws {
        let wire = Self.head + "3;name=value\r\nabc\r\n2 ; quoted=\"a;b\"\r\nde\r\n0;last\r\n\r\n"
        #expect(try ParserHarness.requests(wire).map(\.bodyText) == ["abcde"])
    }

    @Test func trailersAreReadAndIgnored() throws {
        let wire =
            Self.head + "2\r\nok\r\n0\r\nX-Checksum: 1234\r\nX-Other: y\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n"
        let requests = try ParserHarness.requests(wire)
        #expect(requests.map(\.bodyText) == ["ok", ""])
        #expect(requests.last?.target == "/next")
        #expect(requests.first?.headers["X-Checksum"] == nil)
    }

    @Test func splitAtEveryBytePositionIncludingInsideSizeLines() throws {
        let wire = Array((Self.head + "a;ext=1\r\n0123456789\r\n10\r\nABCDEFGHIJKLMNOP\r\n0\r\nT: v\r\n\r\n").utf8)
        for split in 0...wire.count {
            var harness = ParserHarness()
            try harness.feed(wire[0..<split])
            try harness.feed(wire[split...])
            #expect(harness.requests.map(\.bodyText) == ["0123456789ABCDEFGHIJKLMNOP"], "split at \(split)")
        }
    }

    @Test func fedOneByteAtATime() throws {
        var harness = ParserHarness()
        for byte in (Self.head + "3\r\nabc\r\n0\r\n\r\n").utf8 { try harness.feed([byte]) }
        #expect(harness.requests.map(\.bodyText) == ["abc"])
    }

    @Test func transferEncodingIsCaseInsensitive() throws {
        let wire = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n"
        #expect(try ParserHarness.requests(wire).map(\.bodyText) == ["z"])
    }

    @Test(arguments: [
        ("zz\r\nab\r\n0\r\n\r\n", 400),  // not hex
        ("\r\nab\r\n0\r\n\r\n", 400),  // empty size
        ("2\r\nabc\r\n0\r\n\r\n", 400),  // data longer than its size
        ("2 x\r\nab\r\n0\r\n\r\n", 400),  // junk after the size
        ("2;a\u{01}b\r\nab\r\n0\r\n\r\n", 400),  // control character in an extension
        ("-2\r\nab\r\n0\r\n\r\n", 400),  // negative
        ("1000000000000000\r\n", 413),  // sixteen significant hex digits
    ])
    func malformedChunks(body: String, status: Int) {
        #expect(ParserHarness.status(Self.head + body) == status)
    }

    @Test func overlongSizeLineIsRejected() {
        let ext = String(repeating: "e", count: 5000)
        #expect(ParserHarness.status(Self.head + "1;" + ext) == 400)
    }
}
