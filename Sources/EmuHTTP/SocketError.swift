/// A failed socket system call, with the `errno` it left (captured at once, before anything else can change it).
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed (`bind`, `listen`, `accept4`...) or what the server was doing.
    public let operation: String
    /// The `errno` value, or 0 when the failure is not a system call's (an unparsable host).
    public let code: Int32
    /// A human explanation (`strerror`) or the reason for a non-errno failure.
    public let reason: String

    public init(operation: String, code: Int32, reason: String) {
        self.operation = operation
        self.code = code
        self.reason = reason
    }

    public var description: String {
        code == 0 ? "\(operation): \(reason)" : "\(operation) failed: \(reason) (errno \(code))"
    }
}
