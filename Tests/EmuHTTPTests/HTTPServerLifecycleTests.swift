import Dispatch
import EmuHTTP
import Synchronization
import Testing

@Suite("HTTPServer: timeouts, limits and stopping")
struct HTTPServerLifecycleTests {
    @Test func slowClientIsCutOffByTheHeaderTimeoutWith408() throws {
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(headerReadTimeout: .milliseconds(300)))
        defer { live.stop() }
        let client = try live.client()
        try client.send("GET /slow HTTP/1.1\r\n")
        try client.send("Host: h\r\n")  // never finished
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(response.header("Connection") == "close")
        #expect(try client.isClosedByPeer())
    }

    @Test func headerTimeoutRunsFromTheFirstByteOfEachRequest() throws {
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(headerReadTimeout: .milliseconds(300)))
        defer { live.stop() }
        let client = try live.client()
        #expect(try client.request("GET", "/first").status == 200)
        try client.send("GET /second HTTP/1.1\r\n")
        #expect(try client.readResponse().status == 408)
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() throws {
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(idleTimeout: .milliseconds(300)))
        defer { live.stop() }
        let client = try live.client()
        #expect(try client.request("GET", "/").status == 200)
        #expect(try client.isClosedByPeer())
        #expect(LiveServer.eventually { live.server.connectionCount == 0 })
    }

    @Test func connectionThatNeverSendsIsClosedAfterTheHeaderTimeout() throws {
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(headerReadTimeout: .milliseconds(300)))
        defer { live.stop() }
        #expect(try live.client().isClosedByPeer())
    }

    @Test func clientVanishingMidBodyDoesNotReachTheResponder() throws {
        let calls = Counter()
        let live = try LiveServer.make(
            responder: ClosureResponder { request in
                calls.increment()
                return HTTPResponse(status: 200, body: request.body)
            })
        defer { live.stop() }
        do {
            let quitter = try live.client()
            try quitter.send("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\nonly a part")
        }  // closed here
        #expect(LiveServer.eventually { live.server.connectionCount == 0 })
        #expect(calls.count == 0)
        #expect(try live.client().request("GET", "/after").status == 200)
        #expect(calls.count == 1)
    }

    @Test func connectionsOverTheCapAreClosedAtOnce() throws {
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(maxConnections: 2))
        defer { live.stop() }
        let first = try live.client()
        let second = try live.client()
        #expect(try first.request("GET", "/1").status == 200)
        #expect(try second.request("GET", "/2").status == 200)
        let third = try live.client()
        try? third.send("GET /3 HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try third.isClosedByPeer())
        #expect(live.server.connectionCount == 2)
        try first.send("GET /bye HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        _ = try first.readResponse()
        #expect(LiveServer.eventually { live.server.connectionCount == 1 })
        #expect(try live.client().request("GET", "/4").status == 200)
    }

    @Test func twoHundredConcurrentConnections() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let clients = try (0..<200).map { _ in try live.client() }
        #expect(LiveServer.eventually { live.server.connectionCount == 200 })
        for round in 0..<5 {
            for (i, client) in clients.enumerated() {
                try client.send(
                    "PUT /c/\(i) HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n\(String(round))\(round)\(round)")
            }
            for (i, client) in clients.enumerated() {
                let response = try client.readResponse()
                #expect(response.header("X-Target") == "/c/\(i)")
                #expect(response.text == "\(round)\(round)\(round)")
            }
        }
    }

    @Test func manyThreadsOfClientsAtOnce() throws {
        let live = try LiveServer.make()
        defer { live.stop() }
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            for round in 0..<20 {
                do {
                    let client = try live.client()
                    let response = try client.request("POST", "/w/\(worker)", body: "r\(round)")
                    if response.text != "r\(round)" { failures.increment() }
                } catch {
                    failures.increment()
                }
            }
        }
        #expect(failures.count == 0)
    }

    @Test func stopLetsTheRequestInFlightFinishThenRefusesConnects() throws {
        let started = DispatchSemaphore(value: 0)
        let responder = ClosureResponder { request in
            if request.path == "/slow" {
                started.signal()
                _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(200))
            }
            return HTTPResponse(status: 200, body: Array(request.path.utf8))
        }
        let live = try LiveServer.make(responder: responder)
        let idle = try live.client()
        #expect(try idle.request("GET", "/warm").status == 200)
        let busy = try live.client()
        try busy.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(started.wait(timeout: .now() + .seconds(15)) == .success)
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            live.server.stop()
            stopped.signal()
        }
        let response = try busy.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "/slow")
        #expect(stopped.wait(timeout: .now() + .seconds(30)) == .success)
        #expect(try busy.isClosedByPeer())
        #expect(try idle.isClosedByPeer())
        #expect(live.server.connectionCount == 0)
        #expect(TestClient.isRefused(port: live.port))
        live.server.stop()  // idempotent
    }

    @Test func stopClosesWhatIsStillOpenAfterTheDrainTimeout() throws {
        let live = try LiveServer.make(configuration: HTTPServerConfiguration(drainTimeout: .milliseconds(200)))
        let client = try live.client()
        try client.send("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")  // a body that never completes
        #expect(LiveServer.eventually { live.server.connectionCount == 1 })
        live.server.stop()
        #expect(live.server.connectionCount == 0)
        #expect(try client.isClosedByPeer())
    }

    @Test func startBindsAllOrNone() throws {
        let first = try LiveServer.make()
        defer { first.stop() }
        let second = HTTPServer(configuration: HTTPServerConfiguration(), responder: LiveServer.echo, logger: .silent)
        #expect(throws: SocketError.self) {
            try second.start([ListenerConfiguration(port: 0), ListenerConfiguration(port: first.port)])
        }
        #expect(throws: SocketError.self) { try second.start([ListenerConfiguration(host: "not-an-address")]) }
        second.stop()
    }

    @Test func severalListenersShareOneResponder() throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(), responder: LiveServer.echo, logger: .silent)
        let bound = try server.start([ListenerConfiguration(), ListenerConfiguration(host: "localhost")])
        defer { server.stop() }
        #expect(bound.count == 2)
        #expect(bound.allSatisfy { $0.port != 0 && !$0.isSecure })
        for listener in bound { #expect(try TestClient(port: listener.port).request("GET", "/").status == 200) }
    }
}
