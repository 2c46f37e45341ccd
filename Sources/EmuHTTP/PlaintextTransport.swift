/// The identity transport: socket bytes are the HTTP bytes (plain `http://`).
public final class PlaintextTransport: ConnectionTransport {
    public init() {}

    public func receive(_ wire: [UInt8], plaintext: inout [UInt8], toSocket: inout [UInt8]) throws(TransportError) {
        plaintext.append(contentsOf: wire)
    }

    public func send(_ plaintext: [UInt8], toSocket: inout [UInt8]) throws(TransportError) {
        toSocket.append(contentsOf: plaintext)
    }

    public func shutdown(toSocket: inout [UInt8]) {}
}
