import Dispatch
import EmuHTTP
import Synchronization
import Testing

/// A body of `total` bytes (byte i is `i % 251`) in pieces of at most `limit`, counting what it produced;
/// throws once it has produced `failAfter` bytes, if set.
final class CountingStream: HTTPBodyStream {
    struct Failed: Error {}
    let total: Int
    let failAfter: Int?
    let produced = Mutex(0)

    init(total: Int, failAfter: Int? = nil) {
        self.total = total
        self.failAfter = failAfter
    }

    static func expected(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0 % 251) } }

    func next(into out: inout [UInt8], limit: Int) throws -> Bool {
        try produced.withLock { (done: inout Int) throws -> Bool in
            if let failAfter, done >= failAfter { throw Failed() }
            let n = min(limit, total - done)
            out.append(contentsOf: (done..<done + n).lazy.map { UInt8($0 % 251) })
            done += n
            return done < total
        }
    }
}

/// Every stream a test's responder made, in request order.
final class StreamLog: Sendable {
    let streams = Mutex<[CountingStream]>([])

    func append(_ stream: CountingStream) { streams.withLock { $0.append(stream) } }
    /// Bytes produced so far by each stream.
    var produced: [Int] { streams.withLock { $0.map { s in s.produced.withLock { $0 } } } }
}

@Suite("HTTPServer: streamed response bodies")
struct HTTPServerStreamTests {
    /// `/stream/{bytes}` streams that many bytes; `/fail/{bytes}` throws after about that many; anything else echoes.
    static func responder(_ log: StreamLog) -> ClosureResponder {
        ClosureResponder { request in
            let parts = request.target.split(separator: "/")
            guard parts.count == 2, let n = Int(parts[1]) else { return LiveServer.echo.respond(to: request) }
            let stream = parts[0] == "fail" ? CountingStream(total: .max, failAfter: n) : CountingStream(total: n)
            log.append(stream)
            return HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "text/plain")]), stream: stream)
        }
    }

    @Test func http11BodyIsChunkedAndTheConnectionStaysUsable() throws {
        let log = StreamLog()
        let live = try LiveServer.make(responder: Self.responder(log))
        defer { live.stop() }
        let client = try live.client()
        let size = 3 * 1024 * 1024 + 17  // several pieces, past the output high-water mark
        let response = try client.request("GET", "/stream/\(size)")
        #expect(response.status == 200)
        #expect(response.header("Transfer-Encoding") == "chunked")
        #expect(response.header("Content-Length") == nil)
        #expect(response.body == CountingStream.expected(size))
        #expect(try client.request("POST", "/after", body: "next").text == "next")
        #expect(live.server.connectionCount == 1)
    }

    @Test func anEmptyStreamIsOnlyTheLastChunk() throws {
        let log = StreamLog()
        let live = try LiveServer.make(responder: Self.responder(log))
        defer { live.stop() }
        let client = try live.client()
        let response = try client.request("GET", "/stream/0")
        #expect(response.header("Transfer-Encoding") == "chunked")
        #expect(response.body.isEmpty)
        #expect(try client.request("POST", "/after", body: "x").text == "x")
    }

    @Test func aPipelinedRequestIsAnsweredAfterTheWholeStream() throws {
        let log = StreamLog()
        let live = try LiveServer.make(responder: Self.responder(log))
        defer { live.stop() }
        let client = try live.client()
        let size = 2 * 1024 * 1024
        try client.send(
            "GET /stream/\(size) HTTP/1.1\r\nHost: h\r\n\r\nPUT /second HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok"
        )
        #expect(try client.readResponse().body == CountingStream.expected(size))
        let second = try client.readResponse()
        #expect(second.header("X-Target") == "/second")
        #expect(second.text == "ok")
    }

    @Test func http10BodyEndsWithTheConnection() throws {
        let log = StreamLog()
        let live = try LiveServer.make(responder: Self.responder(log))
        defer { live.stop() }
        let client = try live.client()
        let size = 300_000
        try client.send("GET /stream/\(size) HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let wire = try client.readToEnd()
        let headEnd = try #require(TestClient.find(Array("\r\n\r\n".utf8), in: wire))
        let head = String(decoding: wire[0..<headEnd], as: UTF8.self)
        #expect(head.contains("Connection: close"))
        #expect(!head.contains("Transfer-Encoding"))
        #expect(!head.contains("Content-Length"))
        #expect(Array(wire[(headEnd + 4)...]) == CountingStream.expected(size))
    }

    @Test func headSendsTheHeadOnlyAndNeverRunsTheStream() throws {
        let log = StreamLog()
        let live = try LiveServer.make(responder: Self.responder(log))
        defer { live.stop() }
        let client = try live.client()
        let response = try client.request("HEAD", "/stream/1000")
        #expect(response.status == 200)
        #expect(response.header("Transfer-Encoding") == "chunked")
        #expect(try client.request("POST", "/after", body: "y").text == "y")
        #expect(log.produced == [0])
    }

    @Test func aFailingStreamClosesTheConnectionWithoutTheLastChunk() throws {
        let log = StreamLog()
        let live = try LiveServer.make(responder: Self.responder(log))
        defer { live.stop() }
        let client = try live.client()
        try client.send("GET /fail/200000 HTTP/1.1\r\nHost: h\r\n\r\n")
        let wire = try client.readToEnd()
        let text = String(decoding: wire, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(!text.hasSuffix("0\r\n\r\n"))
        #expect(wire.count > 200_000)  // what was produced before the failure was sent
    }

    @Test func aClientThatDoesNotReadHoldsBackProduction() throws {
        let log = StreamLog()
        let live = try LiveServer.make(responder: Self.responder(log))
        defer { live.stop() }
        let client = try live.client()
        let size = 1 << 30
        try client.send("GET /stream/\(size) HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(LiveServer.eventually { (log.produced.first ?? 0) > 0 })
        _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(500))
        // Socket buffers plus the connection's 1 MiB high-water mark: a few MiB, never the whole GiB.
        let produced = try #require(log.produced.first)
        #expect(produced < 64 << 20)
    }
}
