/// A POSIX socket descriptor. A plain value: whoever owns it closes it exactly once.
///
/// Every system call lives in `Socket+Linux.swift`; the rest of EmuHTTP sees only these wrappers.
struct Socket: Sendable, Hashable {
    /// The file descriptor.
    let fd: Int32

    /// What a non-blocking read or write did.
    enum IOResult: Equatable {
        /// This many bytes moved (never 0 for a write).
        case bytes(Int)
        /// The peer closed its side (read returned 0).
        case endOfFile
        /// Nothing can move now (EAGAIN/EWOULDBLOCK): wait for the next readiness event.
        case wouldBlock
        /// The socket is broken (ECONNRESET, EPIPE...).
        case failed(SocketError)
    }

    /// A socket accepted from a listener, with the peer's address as `host:port`.
    struct Accepted {
        let socket: Socket
        let remoteAddress: String
    }
}
