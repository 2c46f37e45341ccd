/// A listener the server opened: where it actually listens (the kernel's port when 0 was asked for).
public struct BoundListener: Sendable, Equatable {
    public let host: String
    public let port: UInt16
    /// True for TLS listeners (`https`).
    public let isSecure: Bool

    public init(host: String, port: UInt16, isSecure: Bool) {
        self.host = host
        self.port = port
        self.isSecure = isSecure
    }
}
