/// One address to listen on and how its connections are carried (plaintext or TLS).
public struct ListenerConfiguration: Sendable {
    /// An IPv4 or IPv6 literal, or `localhost`.
    public var host: String
    /// 0 lets the kernel pick; `BoundListener.port` tells which.
    public var port: UInt16
    /// Makes each connection's transport.
    public var transport: any TransportFactory

    public init(
        host: String = "127.0.0.1", port: UInt16 = 0, transport: any TransportFactory = PlaintextTransportFactory()
    ) {
        self.host = host
        self.port = port
        self.transport = transport
    }
}
