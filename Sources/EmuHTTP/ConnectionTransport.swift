/// Why a transport could not carry bytes. Stays inside EmuHTTP: the connection closes on any of these.
public enum TransportError: Error, Sendable, Equatable {
    /// The TLS handshake failed (bad client hello, no shared protocol version or cipher...).
    case handshakeFailed(String)
    /// The peer sent bytes that are not valid for the protocol after the handshake.
    case protocolError(String)
    /// The peer closed the session (TLS close_notify).
    case closed
}

/// The bytes between a socket and the HTTP parser: plaintext passes through, TLS encrypts and decrypts through
/// memory BIOs, so HTTP and HTTPS share one connection code path (DESIGN.md "Server shape").
///
/// Confined to its connection's event loop: never used from two threads at once.
public protocol ConnectionTransport: AnyObject {
    /// Takes bytes read from the socket. Appends decrypted application bytes to `plaintext` and any bytes the
    /// protocol itself must send (handshake records, alerts) to `toSocket`.
    func receive(_ wire: [UInt8], plaintext: inout [UInt8], toSocket: inout [UInt8]) throws(TransportError)
    /// Encodes application bytes for the socket, appending them to `toSocket`.
    func send(_ plaintext: [UInt8], toSocket: inout [UInt8]) throws(TransportError)
    /// Appends the bytes that end the session cleanly (TLS close_notify; nothing for plaintext).
    func shutdown(toSocket: inout [UInt8])
}

/// Makes one transport per accepted connection.
public protocol TransportFactory: Sendable {
    /// True for TLS: requests made over it report `isSecure` and URLs use `https`.
    var isSecure: Bool { get }
    func makeTransport() throws(TransportError) -> any ConnectionTransport
}
