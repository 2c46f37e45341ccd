import Dispatch
import EmuHTTP
import Testing

@Suite("HTTPServer: live over 127.0.0.1")
struct HTTPServerLiveTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let client = try live.client()
        for i in 0..<5 {
            let response = try client.request("POST", "/items/\(i)?x=\(i)", body: "body \(i)")
            #expect(response.status == 200)
            #expect(response.text == "body \(i)")
            #expect(response.header("X-Target") == "/items/\(i)?x=\(i)")
            #expect(response.header("Connection") == nil)
            #expect(response.header("Date")?.hasSuffix(" GMT") == true)
        }
        #expect(live.server.connectionCount == 1)
    }

    @Test func remoteAddressAndSchemeAreFilled() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let response = try live.client().request("GET", "/")
        #expect(response.header("X-Remote")?.hasPrefix("127.0.0.1:") == true)
        #expect(response.header("X-Secure") == "false")
    }

    @Test func pipelinedResponsesComeBackInRequestOrder() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let client = try live.client()
        var wire = ""
        for i in 0..<10 {
            wire += "PUT /p/\(i) HTTP/1.1\r\nHost: h\r\nContent-Length: \(String(i).utf8.count)\r\n\r\n\(i)"
        }
        try client.send(wire)
        for i in 0..<10 {
            let response = try client.readResponse()
            #expect(response.header("X-Target") == "/p/\(i)")
            #expect(response.text == "\(i)")
        }
    }

    @Test func chunkedUploadIsDecoded() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let client = try live.client()
        try client.send(
            "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n")
        try client.send("0\r\nTrailer: t\r\n\r\n")
        #expect(try client.readResponse().text == "Wikipedia")
    }

    @Test func expectContinueGetsAnInterimResponseThenTheAnswer() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let client = try live.client()
        try client.send("PUT /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        let interim = try client.readResponse()
        #expect(interim.status == 100)
        try client.send("hello")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "hello")
    }

    @Test func expectContinueWithATooLargeBodyIs413AndClose() throws {
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(maxBodyBytes: 100))
        defer { live.stop() }
        let client = try live.client()
        try client.send("PUT /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("Connection") == "close")
        #expect(try client.isClosedByPeer())
    }

    @Test func unknownExpectationIs417() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let response = try live.client().request("PUT", "/", headers: ["Expect: 102-processing"], body: "x")
        #expect(response.status == 417)
    }

    @Test func headHasGetHeadersAndNoBody() throws {
        let responder = ClosureResponder { _ in
            HTTPResponse(
                status: 200, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Array("{\"k\":1}".utf8)
            )
        }
        let live = try LiveServer.make(responder: responder)
        defer { live.stop() }
        let client = try live.client()
        let head = try client.request("HEAD", "/r")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "7")
        #expect(head.body.isEmpty)
        // Had a body been sent after the HEAD headers, this response would not parse.
        let get = try client.request("GET", "/r")
        #expect(get.text == "{\"k\":1}")
    }

    @Test func oversizedBodyIs413ThenClose() throws {
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(maxBodyBytes: 1000))
        defer { live.stop() }
        let client = try live.client()
        try client.send(
            "POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "x", count: 5000))
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        #expect(response.text.contains("\"code\":\"ContentTooLarge\""))
        #expect(try client.isClosedByPeer())
    }

    @Test func oversizedHeadersAre431ThenClose() throws {
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(maxHeaderBytes: 1024))
        defer { live.stop() }
        let client = try live.client()
        try client.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: \(String(repeating: "y", count: 2000))\r\n\r\n")
        #expect(try client.readResponse().status == 431)
        #expect(try client.isClosedByPeer())
    }

    @Test func malformedRequestGetsTheConfiguredErrorResponseThenClose() throws {
        let configuration = HTTPServerConfiguration(errorResponse: { error in
            HTTPResponse(status: error.status, headers: HTTPHeaders([("X-Custom", error.code)]))
        })
        let live = try LiveServer.make(configuration: configuration)
        defer { live.stop() }
        let client = try live.client()
        try client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\nNOT HTTP AT ALL\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        let error = try client.readResponse()
        #expect(error.status == 400)
        #expect(error.header("X-Custom") == "BadRequest")
        #expect(try client.isClosedByPeer())
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let plain = try live.client()
        try plain.send("GET /a HTTP/1.0\r\n\r\n")
        let first = try plain.readResponse()
        #expect(first.header("Connection") == "close")
        #expect(first.header("X-Version") == "HTTP/1.0")
        #expect(try plain.isClosedByPeer())
        let kept = try live.client()
        for _ in 0..<2 {
            try kept.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try kept.readResponse().header("Connection") == "keep-alive")
        }
    }

    @Test func connectionCloseIsHonoured() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let client = try live.client()
        let response = try client.request("GET", "/", headers: ["Connection: close"])
        #expect(response.header("Connection") == "close")
        #expect(try client.isClosedByPeer())
    }

    @Test func responsesLargerThanTheSocketBufferArriveWhole() throws {
        let big = [UInt8]((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let live = try LiveServer.make(responder: ClosureResponder { _ in HTTPResponse(status: 200, body: big) })
        defer { live.stop() }
        let client = try live.client()
        for _ in 0..<2 { #expect(try client.request("GET", "/big").body == big) }
    }

    @Test func clientHalfCloseStillGetsItsResponses() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let client = try live.client()
        try client.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n")
        client.shutdownWrite()
        #expect(try client.readResponse().header("X-Target") == "/1")
        #expect(try client.readResponse().header("X-Target") == "/2")
        #expect(try client.isClosedByPeer())
    }
}
