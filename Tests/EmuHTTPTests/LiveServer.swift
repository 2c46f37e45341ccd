import Dispatch
import EmuHTTP
import Synchronization

/// A responder made of a closure.
struct ClosureResponder: HTTPResponder {
    let handler: @Sendable (HTTPRequest) -> HTTPResponse

    func respond(to request: HTTPRequest) -> HTTPResponse { handler(request) }
}

/// A server on 127.0.0.1, port 0, for one test; `stop()` it (or let `run` do it).
struct LiveServer {
    let server: HTTPServer
    let port: UInt16

    /// Answers with the request body, and what the server saw in headers.
    static let echo = ClosureResponder { request in
        HTTPResponse(
            status: 200,
            headers: HTTPHeaders([
                ("Content-Type", "text/plain"), ("X-Method", request.method.rawValue), ("X-Target", request.target),
                ("X-Remote", request.remoteAddress), ("X-Secure", request.isSecure ? "true" : "false"),
                ("X-Version", request.version.description),
            ]),
            body: request.body)
    }

    static func make(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(), responder: any HTTPResponder = echo,
        transport: any TransportFactory = PlaintextTransportFactory()
    ) throws -> LiveServer {
        let server = HTTPServer(configuration: configuration, responder: responder, logger: .silent)
        let bound = try server.start([ListenerConfiguration(host: "127.0.0.1", port: 0, transport: transport)])
        return LiveServer(server: server, port: bound[0].port)
    }

    func client() throws -> TestClient { try TestClient(port: port) }

    func stop() { server.stop() }

    /// Polls `condition` every 10 ms for up to `seconds`; true once it holds.
    static func eventually(within seconds: Int = 15, _ condition: () -> Bool) -> Bool {
        let deadline = DispatchTime.now() + .seconds(seconds)
        while DispatchTime.now() < deadline {
            if condition() { return true }
            _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(10))
        }
        return condition()
    }
}

/// A thread-safe counter for responders.
final class Counter: Sendable {
    private let value = Mutex(0)

    func increment() { value.withLock { $0 += 1 } }

    var count: Int { value.withLock { $0 } }
}
