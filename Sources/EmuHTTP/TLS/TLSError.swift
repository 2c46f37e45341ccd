/// Why TLS could not be set up: a certificate, key or context problem, found at start-up, never per connection.
///
/// `message` says what was being done and with which file, followed by OpenSSL's error-queue text when there is
/// one (`ERR_error_string_n`), so that it can be printed as is.
public struct TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A sentence for people: what failed, on which path, and OpenSSL's reason.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// `what`, then whatever the calling thread's OpenSSL error queue holds (the queue is emptied).
    static func openSSL(_ what: String) -> TLSError {
        let queue = OpenSSLErrorQueue.drain()
        return TLSError(queue.isEmpty ? what : "\(what): \(queue)")
    }
}
