import CLinux
import Glibc

/// A non-blocking eventfd (eventfd(2)): another thread writes to it to wake an `EventLoop` out of `epoll_wait`.
struct EventFD {
    let fd: Int32

    init() throws(SocketError) {
        let fd = clinux_eventfd()
        guard fd >= 0 else { throw SocketError(operation: "eventfd", code: errno, reason: Socket.describe(errno)) }
        self.fd = fd
    }

    /// Makes the descriptor readable (adds 1 to its counter).
    func signal() {
        var one: UInt64 = 1
        while Glibc.write(fd, &one, 8) < 0 && errno == EINTR {}
    }

    /// Resets the counter to 0, so the next `signal` is a new edge.
    func drain() {
        var value: UInt64 = 0
        while Glibc.read(fd, &value, 8) < 0 && errno == EINTR {}
    }

    func close() { _ = Glibc.close(fd) }
}
