import COpenSSL
import Testing

@testable import EmuHTTP

@Suite("TLS transport")
struct TLSTransportTests {
    static let request = "GET /subscriptions?api-version=2022-12-01 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n\r\n"
    static let response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"

    /// A fresh certificate directory and a server context on it; the caller removes `directory`.
    static func makeServer() throws -> (directory: String, paths: TLSCertificatePaths, context: TLSContext) {
        let directory = try TLSTestSupport.makeTemporaryDirectory()
        let paths = try TLSCertificateStore.ensure(directory: directory, extraHostnames: [])
        return (directory, paths, try TLSContext(paths: paths))
    }

    static func makeTransport(_ context: TLSContext) throws -> TLSTransport {
        try #require(try context.makeTransport() as? TLSTransport)
    }

    @Test(
        "a client trusting ca.pem and checking IP 127.0.0.1 completes the handshake and exchanges a request",
        arguments: [(TLS1_2_VERSION, "TLSv1.2"), (TLS1_3_VERSION, "TLSv1.3")])
    func exchange(version: Int32, name: String) throws {
        let (directory, paths, context) = try Self.makeServer()
        defer { TLSTestSupport.remove(directory) }
        #expect(context.isSecure)
        let server = try Self.makeTransport(context)
        let client = try TLSTestClient(trusting: paths.caCertificate, minVersion: version, maxVersion: version)
        #expect(server.protocolVersion == nil)
        #expect(try client.handshake(with: server) == 0)
        #expect(server.isHandshakeComplete)
        #expect(server.protocolVersion == name)
        #expect(client.protocolVersion == name)
        #expect(SSL_get_verify_result(client.ssl) == X509_V_OK)

        client.write(Self.request)
        #expect(try client.deliver(client.takeOutput(), to: server) == Array(Self.request.utf8))
        var toSocket: [UInt8] = []
        try server.send(Array(Self.response.utf8), toSocket: &toSocket)
        client.feed(toSocket)
        let read = client.read()
        #expect(read.bytes == Array(Self.response.utf8))
        #expect(read.stop == SSL_ERROR_WANT_READ)
    }

    @Test("records split across many socket reads, and a body larger than one record, arrive whole")
    func splitAndLarge() throws {
        let (directory, paths, context) = try Self.makeServer()
        defer { TLSTestSupport.remove(directory) }
        let server = try Self.makeTransport(context)
        let client = try TLSTestClient(trusting: paths.caCertificate)
        #expect(try client.handshake(with: server, chunk: 7) == 0)

        let big = String(repeating: "0123456789abcdef", count: 6_000)
        client.write(Self.request + big)
        #expect(try client.deliver(client.takeOutput(), to: server, chunk: 1_000) == Array((Self.request + big).utf8))
        var toSocket: [UInt8] = []
        try server.send(Array(big.utf8), toSocket: &toSocket)
        client.feed(toSocket)
        #expect(client.read().bytes == Array(big.utf8))
    }

    @Test("ALPN: http/1.1 is selected when offered; a client offering only h2 gets no ALPN but a session")
    func alpn() throws {
        let (directory, paths, context) = try Self.makeServer()
        defer { TLSTestSupport.remove(directory) }
        let offered = try TLSTestClient(trusting: paths.caCertificate, alpn: ["h2", "http/1.1"])
        #expect(try offered.handshake(with: Self.makeTransport(context)) == 0)
        #expect(offered.selectedALPN == "http/1.1")
        let h2Only = try TLSTestClient(trusting: paths.caCertificate, alpn: ["h2"])
        #expect(try h2Only.handshake(with: Self.makeTransport(context)) == 0)
        #expect(h2Only.selectedALPN == nil)
    }

    @Test("bytes that are not TLS fail the handshake with OpenSSL's reason, and keep failing")
    func garbage() throws {
        let (directory, _, context) = try Self.makeServer()
        defer { TLSTestSupport.remove(directory) }
        let server = try Self.makeTransport(context)
        var plaintext: [UInt8] = []
        var toSocket: [UInt8] = []
        let error = #expect(throws: TransportError.self) {
            try server.receive(Array(Self.request.utf8), plaintext: &plaintext, toSocket: &toSocket)
        }
        guard let error, case .handshakeFailed(let reason) = error else {
            Issue.record("expected handshakeFailed, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("http request"), "\(reason)")
        #expect(plaintext.isEmpty)
        #expect(throws: error) { try server.receive([0x16], plaintext: &plaintext, toSocket: &toSocket) }
        #expect(throws: error) { try server.send([1], toSocket: &toSocket) }
        toSocket = []
        server.shutdown(toSocket: &toSocket)
        #expect(toSocket.isEmpty)
    }

    @Test("a client trusting another CA, or checking another IP, refuses the server; the server sees the alert")
    func untrusted() throws {
        let (directory, _, context) = try Self.makeServer()
        let (otherDirectory, other, _) = try Self.makeServer()
        defer {
            TLSTestSupport.remove(directory)
            TLSTestSupport.remove(otherDirectory)
        }
        let server = try Self.makeTransport(context)
        let client = try TLSTestClient(trusting: other.caCertificate)
        let error = #expect(throws: TransportError.self) { try client.handshake(with: server) }
        guard case .handshakeFailed(let reason) = error else {
            Issue.record("expected handshakeFailed, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("unknown ca"), "\(reason)")
        // The chain ends with the (self-signed) CA, which this client does not trust.
        #expect(SSL_get_verify_result(client.ssl) == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)

        let paths = try TLSCertificateStore.ensure(directory: directory, extraHostnames: [])
        let wrongIP = try TLSTestClient(trusting: paths.caCertificate, verifyIP: "10.9.9.9")
        #expect(throws: TransportError.self) { try wrongIP.handshake(with: Self.makeTransport(context)) }
        #expect(SSL_get_verify_result(wrongIP.ssl) == X509_V_ERR_IP_ADDRESS_MISMATCH)
    }

    @Test("a TLS 1.1 client is refused (RFC 8996)")
    func refusesOldProtocol() throws {
        let (directory, paths, context) = try Self.makeServer()
        defer { TLSTestSupport.remove(directory) }
        let client = try TLSTestClient(
            trusting: paths.caCertificate, minVersion: TLS1_1_VERSION, maxVersion: TLS1_1_VERSION,
            cipherList: "DEFAULT:@SECLEVEL=0")
        let error = #expect(throws: TransportError.self) { try client.handshake(with: Self.makeTransport(context)) }
        guard case .handshakeFailed(let reason) = error else {
            Issue.record("expected handshakeFailed, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("unsupported protocol"), "\(reason)")
    }

    @Test("shutdown sends close_notify once; the client reads it as a clean end")
    func serverShutdown() throws {
        let (directory, paths, context) = try Self.makeServer()
        defer { TLSTestSupport.remove(directory) }
        let server = try Self.makeTransport(context)
        let client = try TLSTestClient(trusting: paths.caCertificate)
        try client.handshake(with: server)
        var toSocket: [UInt8] = []
        server.shutdown(toSocket: &toSocket)
        #expect(!toSocket.isEmpty)
        client.feed(toSocket)
        #expect(client.read().stop == SSL_ERROR_ZERO_RETURN)
        toSocket = []
        server.shutdown(toSocket: &toSocket)
        #expect(toSocket.isEmpty)
    }

    @Test("the client's close_notify throws .closed, after any plaintext that came before it in the same read")
    func clientClose() throws {
        let (directory, paths, context) = try Self.makeServer()
        defer { TLSTestSupport.remove(directory) }
        let alone = try TLSTestClient(trusting: paths.caCertificate)
        let first = try Self.makeTransport(context)
        try alone.handshake(with: first)
        _ = SSL_shutdown(alone.ssl)
        #expect(throws: TransportError.closed) { try alone.deliver(alone.takeOutput(), to: first) }

        let afterRequest = try TLSTestClient(trusting: paths.caCertificate)
        let second = try Self.makeTransport(context)
        try afterRequest.handshake(with: second)
        afterRequest.write(Self.request)
        _ = SSL_shutdown(afterRequest.ssl)
        #expect(try afterRequest.deliver(afterRequest.takeOutput(), to: second) == Array(Self.request.utf8))
        var plaintext: [UInt8] = []
        var toSocket: [UInt8] = []
        #expect(throws: TransportError.closed) { try second.receive([], plaintext: &plaintext, toSocket: &toSocket) }
    }

    @Test("send before the handshake completes is a protocol error")
    func sendTooEarly() throws {
        let (directory, _, context) = try Self.makeServer()
        defer { TLSTestSupport.remove(directory) }
        var toSocket: [UInt8] = []
        #expect(throws: TransportError.self) { try Self.makeTransport(context).send([1, 2], toSocket: &toSocket) }
    }
}
