import EmuHTTP
import Testing

@Suite("HTTPParser: requests on the wire")
struct HTTPParserTests {
    static let post =
        "POST /subscriptions/s1?api-version=2024-01-01 HTTP/1.1\r\nHost: example\r\n"
        + "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"a\":\"hello\"}"

    @Test func simpleGet() throws {
        let requests = try ParserHarness.requests("GET /a/b?x=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n")
        let request = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request.method == .get)
        #expect(request.target == "/a/b?x=1")
        #expect(request.pathSegments == ["a", "b"])
        #expect(request.queryValue("x") == "1")
        #expect(request.headers["host"] == "h")
        #expect(request.headers["Accept"] == "*/*")
        #expect(request.version == .http1_1)
        #expect(request.body.isEmpty)
    }

    @Test func postSplitAtEveryBytePosition() throws {
        let bytes = Array(Self.post.utf8)
        for split in 0...bytes.count {
            var harness = ParserHarness()
            try harness.feed(bytes[0..<split])
            #expect(harness.requests.isEmpty == (split < bytes.count), "split at \(split)")
            try harness.feed(bytes[split...])
            let request = try #require(harness.requests.first, "split at \(split)")
            #expect(harness.requests.count == 1)
            #expect(request.bodyText == "{\"a\":\"hello\"}")
            #expect(request.queryValue("api-version") == "2024-01-01")
        }
    }

    @Test func postFedOneByteAtATime() throws {
        var harness = ParserHarness()
        for byte in Self.post.utf8 { try harness.feed([byte]) }
        #expect(harness.requests.map(\.bodyText) == ["{\"a\":\"hello\"}"])
    }

    @Test func pipelinedRequestsInOneBuffer() throws {
        let wire =
            "GET /one HTTP/1.1\r\nHost: h\r\n\r\n" + Self.post
            + "PUT /three HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "DELETE /four HTTP/1.1\r\nHost: h\r\n\r\n"
        let requests = try ParserHarness.requests(wire)
        #expect(requests.map(\.method.rawValue) == ["GET", "POST", "PUT", "DELETE"])
        #expect(requests.map(\.bodyText) == ["", "{\"a\":\"hello\"}", "abc", ""])
    }

    @Test func pipelinedRequestsSplitAtEveryBytePosition() throws {
        let wire = Array(("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n" + Self.post + "GET /3 HTTP/1.1\r\nHost: h\r\n\r\n").utf8)
        for split in 0...wire.count {
            var harness = ParserHarness()
            try harness.feed(wire[0..<split])
            try harness.feed(wire[split...])
            #expect(harness.requests.map(\.target).count == 3, "split at \(split)")
            #expect(harness.requests.last?.target == "/3")
        }
    }

    @Test func http10WithoutHost() throws {
        let request = try #require(try ParserHarness.requests("GET /old HTTP/1.0\r\n\r\n").first)
        #expect(request.version == .http1_0)
        #expect(request.target == "/old")
    }

    @Test func percentDecodingOfPathAndQuery() throws {
        let target = "/a%20b/c%2Fd/%E2%82%AC?x=1%262&y=%C3%A9&flag&%24expand=restorePoints"
        let request = try #require(try ParserHarness.requests("GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n").first)
        #expect(request.rawPath == "/a%20b/c%2Fd/%E2%82%AC")
        #expect(request.pathSegments == ["a b", "c/d", "€"])
        #expect(request.query.map(\.name) == ["x", "y", "flag", "$expand"])
        #expect(request.query.map(\.value) == ["1&2", "é", "", "restorePoints"])
        #expect(request.queryValue("$Expand") == "restorePoints")
    }

    @Test func doubleSlashesCollapse() throws {
        let request = try #require(
            try ParserHarness.requests("GET //double//slashes HTTP/1.1\r\nHost: h\r\n\r\n").first)
        #expect(request.rawPath == "//double//slashes")
        #expect(request.pathSegments == ["double", "slashes"])
        #expect(request.path == "/double/slashes")
    }

    @Test func absoluteFormTargetBecomesOriginFormAndHost() throws {
        let wire = "GET http://Example.com:8080/x?y=1 HTTP/1.1\r\nHost: other\r\n\r\n"
        let request = try #require(try ParserHarness.requests(wire).first)
        #expect(request.target == "/x?y=1")
        #expect(request.headers.values("Host") == ["Example.com:8080"])
    }

    @Test func emptyLinesBeforeRequestLineAreIgnored() throws {
        let requests = try ParserHarness.requests(
            "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(requests.map(\.target) == ["/", "/2"])
    }

    @Test func bareLineFeedsEndLines() throws {
        let requests = try ParserHarness.requests("POST /lf HTTP/1.1\nHost: h\nContent-Length: 2\n\nok")
        #expect(requests.map(\.bodyText) == ["ok"])
    }

    @Test func fieldValuesAreTrimmedAndRepeatedFieldsKept() throws {
        let wire = "GET / HTTP/1.1\r\nHost: h\r\nX-A: \t padded \t\r\nX-A: second\r\nX-Empty:\r\n\r\n"
        let request = try #require(try ParserHarness.requests(wire).first)
        #expect(request.headers.values("x-a") == ["padded", "second"])
        #expect(request.headers["X-Empty"] == "")
    }

    @Test func identicalContentLengthListIsAccepted() throws {
        let requests = try ParserHarness.requests("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nok")
        #expect(requests.map(\.bodyText) == ["ok"])
    }

    @Test func expectContinueAsksBeforeTheBody() throws {
        var harness = ParserHarness()
        try harness.feed("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(harness.continues == 1)
        #expect(harness.requests.isEmpty)
        #expect(harness.parser.phase == .body)
        try harness.feed("da")
        try harness.feed("ta")
        #expect(harness.continues == 1)
        #expect(harness.requests.map(\.bodyText) == ["data"])
    }

    @Test func expectContinueWithTheBodyAlreadyHereNeedsNoInterimResponse() throws {
        var harness = ParserHarness()
        try harness.feed("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n\r\ndata")
        #expect(harness.continues == 0)
        #expect(harness.requests.count == 1)
    }

    @Test func expectContinueIsIgnoredFromHTTP10() throws {
        var harness = ParserHarness()
        try harness.feed("PUT /x HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(harness.continues == 0)
    }

    @Test func phasesFollowTheRequest() throws {
        var harness = ParserHarness()
        #expect(harness.parser.phase == .idle)
        try harness.feed("POST / HTTP/1.1\r\nHo")
        #expect(harness.parser.phase == .head)
        try harness.feed("st: h\r\nContent-Length: 3\r\n\r\na")
        #expect(harness.parser.phase == .body)
        try harness.feed("bc")
        #expect(harness.parser.phase == .idle)
        #expect(harness.parser.bufferedByteCount == 0)
    }

    @Test func secureFlagAndRemoteAddressAreCopied() throws {
        var parser = HTTPParser(isSecure: true, remoteAddress: "127.0.0.1:5000")
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        guard case .request(let request) = try parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(request.isSecure)
        #expect(request.remoteAddress == "127.0.0.1:5000")
    }
}
