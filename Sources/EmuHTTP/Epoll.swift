import CLinux
import Glibc

/// An epoll instance (epoll(7)); every epoll system call of EmuHTTP is here. Owned by one `EventLoop`.
struct Epoll {
    /// The epoll descriptor.
    let fd: Int32

    /// Readiness bits (`EPOLLIN`...), read once from C: Swift does not import the `EPOLL_EVENTS` macros.
    enum Mask {
        static let input = clinux_epollin()
        static let output = clinux_epollout()
        /// The peer shut down its sending side; only delivered when asked for (epoll_ctl(2)).
        static let peerHangup = clinux_epollrdhup()
        static let hangup = clinux_epollhup()
        static let error = clinux_epollerr()
        /// Edge-triggered: an event when readiness appears, not while it lasts (epoll(7) "Level-triggered and
        /// edge-triggered").
        static let edgeTriggered = clinux_epollet()
    }

    /// The buffer `wait` fills; the C shim reads its packed entries (`struct epoll_event` has no padding on x86-64).
    struct Events: ~Copyable {
        let capacity: Int
        let base: UnsafeMutableRawPointer

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(byteCount: capacity * clinux_epoll_event_size(), alignment: 16)
        }

        deinit { base.deallocate() }

        func mask(_ i: Int) -> UInt32 { clinux_epoll_event_mask(base, Int32(i)) }
        func token(_ i: Int) -> Int { Int(truncatingIfNeeded: clinux_epoll_event_data(base, Int32(i))) }
    }

    init() throws(SocketError) {
        let fd = clinux_epoll_create()
        guard fd >= 0 else {
            throw SocketError(operation: "epoll_create1", code: errno, reason: Socket.describe(errno))
        }
        self.fd = fd
    }

    /// Watches `descriptor` for `events`, reporting `token` with them.
    func add(_ descriptor: Int32, events: UInt32, token: Int) throws(SocketError) {
        try control(EPOLL_CTL_ADD, descriptor, events, token, "epoll_ctl(ADD)")
    }

    /// Changes what `descriptor` is watched for (0: nothing, while staying registered). There is no removal:
    /// closing a descriptor takes it out of the set (epoll(7) Q6; EmuHTTP never duplicates a socket).
    func modify(_ descriptor: Int32, events: UInt32, token: Int) throws(SocketError) {
        try control(EPOLL_CTL_MOD, descriptor, events, token, "epoll_ctl(MOD)")
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and returns how many events `events` holds (0 on EINTR).
    func wait(_ events: borrowing Events, timeoutMilliseconds: Int32) -> Int {
        let n = clinux_epoll_wait(fd, events.base, Int32(events.capacity), timeoutMilliseconds)
        return n < 0 ? 0 : Int(n)
    }

    func close() { _ = Glibc.close(fd) }

    private func control(
        _ op: Int32, _ descriptor: Int32, _ events: UInt32, _ token: Int, _ what: String
    ) throws(SocketError) {
        guard clinux_epoll_ctl(fd, op, descriptor, events, UInt64(truncatingIfNeeded: token)) == 0 else {
            let code = errno
            throw SocketError(operation: what, code: code, reason: Socket.describe(code))
        }
    }
}
