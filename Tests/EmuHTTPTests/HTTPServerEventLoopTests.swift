import Dispatch
import EmuHTTP
import Testing

@Suite("HTTPServer: event loops and held-back responses")
struct HTTPServerEventLoopTests {
    /// `/hold` is answered after `holdBack`; anything else echoes.
    static func responder(holdBack: Duration) -> ClosureResponder {
        ClosureResponder { request in
            var response = LiveServer.echo.respond(to: request)
            if request.path == "/hold" { response.holdBack = holdBack }
            return response
        }
    }

    static func elapsedMilliseconds(since start: DispatchTime) -> UInt64 {
        (DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
    }

    @Test func aHeldResponseDoesNotStallItsLoop() throws {
        let live = try LiveServer.make(
            configuration: HTTPServerConfiguration(eventLoops: 1), responder: Self.responder(holdBack: .seconds(1)))
        defer { live.stop() }
        let held = try live.client()
        let other = try live.client()
        let start = DispatchTime.now()
        try held.send("GET /hold HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try other.request("POST", "/meanwhile", body: "m").text == "m")
        let otherAnswered = Self.elapsedMilliseconds(since: start)
        let response = try held.readResponse()
        let heldAnswered = Self.elapsedMilliseconds(since: start)
        #expect(response.status == 200)
        #expect(response.header("X-Target") == "/hold")
        #expect(heldAnswered >= 1000)
        #expect(otherAnswered < heldAnswered)
    }

    @Test func aPipelinedRequestWaitsForTheHeldResponse() throws {
        let live = try LiveServer.make(
            configuration: HTTPServerConfiguration(eventLoops: 2),
            responder: Self.responder(holdBack: .milliseconds(200)))
        defer { live.stop() }
        let client = try live.client()
        try client.send(
            "GET /hold HTTP/1.1\r\nHost: h\r\n\r\nPUT /next HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok")
        #expect(try client.readResponse().header("X-Target") == "/hold")
        let next = try client.readResponse()
        #expect(next.header("X-Target") == "/next")
        #expect(next.text == "ok")
        #expect(try client.request("GET", "/again").status == 200)
    }

    @Test func stopWaitsForAHeldResponse() throws {
        let answered = DispatchSemaphore(value: 0)
        let held = Self.responder(holdBack: .milliseconds(300))
        let live = try LiveServer.make(
            responder: ClosureResponder { request in
                defer { answered.signal() }
                return held.respond(to: request)
            })
        let client = try live.client()
        try client.send("GET /hold HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(answered.wait(timeout: .now() + .seconds(15)) == .success)
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            live.server.stop()
            stopped.signal()
        }
        #expect(try client.readResponse().status == 200)
        #expect(stopped.wait(timeout: .now() + .seconds(30)) == .success)
        #expect(live.server.connectionCount == 0)
    }

    @Test(arguments: [1, 3])
    func everyLoopCountServesManyConnections(loops: Int) throws {
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(eventLoops: loops))
        defer { live.stop() }
        let clients = try (0..<12).map { _ in try live.client() }
        for (i, client) in clients.enumerated() {
            #expect(try client.request("POST", "/n/\(i)", body: "\(i)").text == "\(i)")
        }
        #expect(live.server.connectionCount == 12)
    }
}
