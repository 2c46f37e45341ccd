import EmuHTTP
import Testing

@Suite("HTTPServer: any TransportFactory")
struct HTTPServerTransportTests {
    static func xor(_ text: String) -> [UInt8] { text.utf8.map { $0 ^ XORTransport.key } }

    @Test func bytesGoThroughTheTransportBothWays() throws {
        let live = try LiveServer.make(transport: XORTransportFactory())
        defer { live.stop() }
        let client = try live.client()
        try client.send(Array("!".utf8))  // the handshake alone: the greeting must come back with no request
        while client.pending.count < XORTransport.greeting.count { try client.fill() }
        #expect(Array(client.pending.prefix(5)) == XORTransport.greeting)
        try client.send(Self.xor("GET /secret HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
        let raw = try client.readToEnd()
        #expect(raw.suffix(3) == XORTransport.farewell[...])
        let decoded = String(decoding: raw.dropFirst(5).dropLast(3).map { $0 ^ XORTransport.key }, as: UTF8.self)
        #expect(decoded.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(decoded.contains("X-Target: /secret\r\n"))
        #expect(decoded.contains("X-Secure: true\r\n"))
    }

    @Test func transportFailureClosesTheConnection() throws {
        let live = try LiveServer.make(transport: XORTransportFactory())
        defer { live.stop() }
        let client = try live.client()
        try client.send("GET / HTTP/1.1\r\n\r\n")  // no "!" handshake
        #expect(try client.isClosedByPeer())
        #expect(LiveServer.eventually { live.server.connectionCount == 0 })
    }
}
