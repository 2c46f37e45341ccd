import EmuHTTP
import Testing

@Suite("HTTPParser: size limits (431, 413)")
struct HTTPParserLimitsTests {
    /// A request whose request line and header section are exactly `size` bytes, blank line included.
    static func head(ofSize size: Int, lineEnding: String = "\r\n") -> String {
        let fixed = "GET / HTTP/1.1\(lineEnding)Host: h\(lineEnding)X-Pad: \(lineEnding)\(lineEnding)"
        return "GET / HTTP/1.1\(lineEnding)Host: h\(lineEnding)X-Pad: "
            + String(repeating: "p", count: size - fixed.utf8.count) + "\(lineEnding)\(lineEnding)"
    }

    @Test(arguments: [100, 1024, 32 * 1024])
    func headerSectionExactlyAtTheLimitIsAccepted(limit: Int) throws {
        let wire = Self.head(ofSize: limit)
        #expect(wire.utf8.count == limit)
        #expect(try ParserHarness.requests(wire, maxHeaderBytes: limit).count == 1)
    }

    @Test(arguments: [100, 1024, 32 * 1024])
    func headerSectionOnePastTheLimitIs431(limit: Int) {
        #expect(ParserHarness.status(Self.head(ofSize: limit + 1), maxHeaderBytes: limit) == 431)
    }

    @Test func incompleteHeaderSectionIs431AsSoonAsItReachesTheLimit() throws {
        var harness = ParserHarness(maxHeaderBytes: 100)
        let start = Array(("GET / HTTP/1.1\r\nHost: h\r\nX-Pad: " + String(repeating: "p", count: 200)).utf8)
        try harness.feed(start[0..<99])
        #expect(harness.requests.isEmpty)
        #expect(throws: HTTPParseError.self) { try harness.feed(start[99..<100]) }
    }

    @Test func headerSplitByteByByteAtTheLimitIsAccepted() throws {
        var harness = ParserHarness(maxHeaderBytes: 300)
        for byte in Self.head(ofSize: 300).utf8 { try harness.feed([byte]) }
        #expect(harness.requests.count == 1)
    }

    @Test func defaultLimitIs32KiB() {
        #expect(ParserHarness.status(Self.head(ofSize: 32 * 1024)) == 0)
        #expect(ParserHarness.status(Self.head(ofSize: 32 * 1024 + 1)) == 431)
    }

    @Test func contentLengthExactlyAtTheLimitIsAccepted() throws {
        let body = String(repeating: "b", count: 1000)
        let wire = "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n" + body
        #expect(try ParserHarness.requests(wire, maxBodyBytes: 1000).map(\.body.count) == [1000])
    }

    @Test func contentLengthOnePastTheLimitIs413BeforeAnyBodyArrives() {
        let wire = "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n"
        #expect(ParserHarness.status(wire, maxBodyBytes: 1000) == 413)
    }

    @Test func hugeContentLengthIs413() {
        let wire = "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999999\r\n\r\n"
        #expect(ParserHarness.status(wire) == 413)
    }

    @Test func defaultBodyLimitIs4MiB() {
        #expect(ParserHarness.status("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 4194304\r\n\r\n") == 0)
        #expect(ParserHarness.status("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 4194305\r\n\r\n") == 413)
    }

    @Test func chunkedBodyExactlyAtTheLimitIsAccepted() throws {
        let wire =
            "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "200\r\n\(String(repeating: "a", count: 512))\r\n1e8\r\n\(String(repeating: "b", count: 488))\r\n0\r\n\r\n"
        #expect(try ParserHarness.requests(wire, maxBodyBytes: 1000).map(\.body.count) == [1000])
    }

    @Test func chunkedBodyOnePastTheLimitIs413WhenTheChunkSizeArrives() throws {
        var harness = ParserHarness(maxBodyBytes: 1000)
        try harness.feed("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
        try harness.feed("200\r\n\(String(repeating: "a", count: 512))\r\n")
        #expect(throws: HTTPParseError.contentTooLarge("The chunked request body exceeds 1000 bytes.")) {
            try harness.feed("1e9\r\n")
        }
    }

    @Test func trailerSectionCountsAgainstTheHeaderLimit() {
        let wire =
            "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: "
            + String(repeating: "t", count: 200) + "\r\n\r\n"
        #expect(ParserHarness.status(wire, maxHeaderBytes: 150) == 431)
    }
}
