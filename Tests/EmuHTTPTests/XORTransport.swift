import EmuHTTP

/// A toy transport that proves the server goes through `ConnectionTransport` both ways: every byte is XORed with a
/// key, the first received byte is a "handshake" answered with `greeting` (bytes for the socket with no plaintext),
/// and shutdown sends `farewell`.
final class XORTransport: ConnectionTransport {
    static let key: UInt8 = 0x5A
    static let greeting = Array("HELLO".utf8)
    static let farewell = Array("BYE".utf8)
    private var greeted = false

    func receive(_ wire: [UInt8], plaintext: inout [UInt8], toSocket: inout [UInt8]) throws(TransportError) {
        var bytes = wire[...]
        if !greeted, let first = bytes.first {
            guard first == UInt8(ascii: "!") else { throw .handshakeFailed("no hello") }
            greeted = true
            toSocket.append(contentsOf: Self.greeting)
            bytes = bytes.dropFirst()
        }
        plaintext.append(contentsOf: bytes.map { $0 ^ Self.key })
    }

    func send(_ plaintext: [UInt8], toSocket: inout [UInt8]) throws(TransportError) {
        toSocket.append(contentsOf: plaintext.map { $0 ^ Self.key })
    }

    func shutdown(toSocket: inout [UInt8]) { toSocket.append(contentsOf: Self.farewell) }
}

/// Makes `XORTransport`s and reports itself secure, like a TLS factory would.
struct XORTransportFactory: TransportFactory {
    var isSecure: Bool { true }

    func makeTransport() throws(TransportError) -> any ConnectionTransport { XORTransport() }
}
