import Dispatch
import EmuHTTP
import Synchronization
import Testing

/// Answers `/later...` through an `HTTPPendingResponse` the test fulfils, `/ready` through one fulfilled before the
/// connection asks for it, and anything else at once; every answer echoes. Records the order requests were asked.
final class PendingResponder: HTTPResponder {
    private let state = Mutex<(pending: [String: (HTTPPendingResponse, HTTPRequest)], asked: [String])>(([:], []))

    func respond(to request: HTTPRequest) -> HTTPResponse { LiveServer.echo.respond(to: request) }

    func answer(_ request: HTTPRequest) -> HTTPAnswer {
        let pending = HTTPPendingResponse()
        state.withLock { state in
            state.asked.append(request.path)
            if request.path.hasPrefix("/later") { state.pending[request.path] = (pending, request) }
        }
        if request.path.hasPrefix("/later") { return .later(pending) }
        if request.path == "/ready" {
            pending.fulfil(respond(to: request))
            return .later(pending)
        }
        return .now(respond(to: request))
    }

    var asked: [String] { state.withLock { $0.asked } }

    /// Fulfils the answer to `path` once its request has arrived (waits up to 15 s for it); false if it never did.
    func fulfil(_ path: String, holdBack: Duration = .zero) -> Bool {
        var taken: (HTTPPendingResponse, HTTPRequest)?
        let arrived = LiveServer.eventually {
            taken = state.withLock { $0.pending.removeValue(forKey: path) }
            return taken != nil
        }
        guard arrived, let (pending, request) = taken else { return false }
        var response = respond(to: request)
        response.holdBack = holdBack
        pending.fulfil(response)
        return true
    }
}

@Suite("HTTPServer: answers from another thread")
struct HTTPServerPendingTests {
    @Test func anAwaitedAnswerDoesNotStallItsLoop() throws {
        let responder = PendingResponder()
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(eventLoops: 1), responder: responder)
        defer { live.stop() }
        let waiting = try live.client()
        let other = try live.client()
        try waiting.send("GET /later HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try other.request("POST", "/meanwhile", body: "m").text == "m")
        #expect(responder.fulfil("/later"))
        let response = try waiting.readResponse()
        #expect(response.status == 200)
        #expect(response.header("X-Target") == "/later")
        #expect(responder.asked == ["/later", "/meanwhile"])
    }

    @Test func aPipelinedRequestIsNotParsedBeforeTheAwaitedAnswer() throws {
        let responder = PendingResponder()
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(eventLoops: 2), responder: responder)
        defer { live.stop() }
        let client = try live.client()
        try client.send(
            "GET /later HTTP/1.1\r\nHost: h\r\n\r\nPUT /next HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok")
        _ = LiveServer.eventually(within: 1) { responder.asked.count > 1 }  // give a wrong order time to show
        #expect(responder.asked == ["/later"])
        #expect(responder.fulfil("/later"))
        #expect(try client.readResponse().header("X-Target") == "/later")
        let next = try client.readResponse()
        #expect(next.header("X-Target") == "/next")
        #expect(next.text == "ok")
        #expect(responder.asked == ["/later", "/next"])
    }

    @Test func anAnswerFulfilledBeforeTheConnectionAsksGoesOut() throws {
        let live = try LiveServer.make(responder: PendingResponder())
        defer { live.stop() }
        let client = try live.client()
        #expect(try client.request("POST", "/ready", body: "r").text == "r")
        #expect(try client.request("POST", "/ready", body: "s").text == "s")
    }

    @Test func theAnswerReachesAPeerThatStoppedSending() throws {
        let responder = PendingResponder()
        let live = try LiveServer.make(responder: responder)
        defer { live.stop() }
        let client = try live.client()
        try client.send("GET /later HTTP/1.1\r\nHost: h\r\n\r\n")
        client.shutdownWrite()
        #expect(responder.fulfil("/later"))
        #expect(try client.readResponse().header("X-Target") == "/later")
        #expect(try client.isClosedByPeer())
    }

    @Test func anAwaitedAnswerCanBeHeldBackAndCloseTheConnection() throws {
        let responder = PendingResponder()
        let live = try LiveServer.make(responder: responder)
        defer { live.stop() }
        let client = try live.client()
        try client.send("GET /later HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        let start = DispatchTime.now()
        #expect(responder.fulfil("/later", holdBack: .milliseconds(300)))
        let response = try client.readResponse()
        #expect(response.header("X-Target") == "/later")
        #expect(response.header("Connection") == "close")
        #expect(HTTPServerEventLoopTests.elapsedMilliseconds(since: start) >= 300)
        #expect(try client.isClosedByPeer())
    }

    @Test func stopWaitsForAnAwaitedAnswer() throws {
        let responder = PendingResponder()
        let live = try LiveServer.make(responder: responder)
        let client = try live.client()
        try client.send("GET /later HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(LiveServer.eventually { responder.asked == ["/later"] })
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            live.server.stop()
            stopped.signal()
        }
        #expect(stopped.wait(timeout: .now() + .milliseconds(300)) == .timedOut)
        #expect(responder.fulfil("/later"))
        #expect(try client.readResponse().status == 200)
        #expect(stopped.wait(timeout: .now() + .seconds(30)) == .success)
        #expect(live.server.connectionCount == 0)
    }
}
