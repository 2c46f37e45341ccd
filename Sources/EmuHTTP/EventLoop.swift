import CLinux
import Glibc
import Synchronization

/// One thread waiting in `epoll_wait` (epoll(7)) for its listeners and connections, and running their deadlines.
///
/// Everything registered on a loop is confined to its thread: handlers need no locks for their own state. Other
/// threads reach a loop only through `execute`, a `Mutex`-protected inbox plus an eventfd that wakes the wait.
/// Sockets are edge-triggered where their handler says so (connections); `epoll_wait` sleeps until the earliest
/// deadline of `timers`. Whatever a handler does runs on this thread, so a handler that blocks stalls every other
/// connection on the loop (DESIGN.md "Server shape": the reason responses are held back with a deadline instead
/// of a sleep, `HTTPResponse.holdBack`).
final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: `handlers`, `timers`, `now`, `nextToken`, `stopping` and `wire` are only touched on the
    // loop's thread (asserted in `register`, `schedule`, `deregister`); `inbox` is a Mutex, `owner` an Atomic, and
    // `thread` is touched only by the thread that calls `start` and `shutdown`.

    /// The token of the wake-up eventfd; handlers get tokens from 1.
    private static let wakeupToken = 0
    /// The largest socket read; TLS records are at most 16 KiB + overhead, so a read holds at least one.
    static let readSize = 32 * 1024

    let name: String
    let epoll: Epoll
    private let wakeup: EventFD
    private let inbox = Mutex<[@Sendable () -> Void]>([])
    /// `pthread_self()` of the loop's thread once it runs; 0 before.
    private let owner = Atomic<UInt>(0)
    private var thread: pthread_t?

    private(set) var handlers: [Int: any EventLoopHandler] = [:]
    private var timers = TimerHeap()
    private var nextToken = 1
    private var stopping = false
    /// `MonotonicClock` time after the last `epoll_wait` returned (or timers ran): good enough for timeouts and
    /// activity stamps, and one clock read per turn instead of one per event.
    private(set) var now = MonotonicClock.now()
    /// Socket reads of every connection on this loop land here: one thread, one buffer. Freed in `deinit`.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// The last read's bytes as an array for the transport (reused).
    var wire: [UInt8] = []

    init(name: String) throws(SocketError) {
        self.name = name
        epoll = try Epoll()
        do {
            wakeup = try EventFD()
        } catch {
            epoll.close()
            throw error
        }
        readBuffer = .allocate(byteCount: Self.readSize, alignment: 16)
        do {
            try epoll.add(wakeup.fd, events: Epoll.Mask.input | Epoll.Mask.edgeTriggered, token: Self.wakeupToken)
        } catch {
            readBuffer.deallocate()
            wakeup.close()
            epoll.close()
            throw error
        }
    }

    deinit {
        readBuffer.deallocate()
        wakeup.close()
        epoll.close()
    }

    /// Starts the loop's thread.
    func start() throws(SocketError) {
        var handle = pthread_t()
        let retained = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(
            &handle, nil,
            { argument in
                let loop = Unmanaged<EventLoop>.fromOpaque(argument!).takeRetainedValue()
                loop.run()
                return nil
            }, retained)
        guard rc == 0 else {
            Unmanaged<EventLoop>.fromOpaque(retained).release()
            throw SocketError(operation: "pthread_create", code: rc, reason: Socket.describe(rc))
        }
        thread = handle
    }

    /// Stops the loop (what is still registered is closed) and waits for its thread to end. Not on the loop.
    func shutdown() {
        guard let thread else { return }
        precondition(!inLoop, "an event loop cannot wait for itself")
        execute { self.stopping = true }
        pthread_join(thread, nil)
        self.thread = nil
    }

    /// True on the loop's own thread.
    var inLoop: Bool { pthread_equal(owner.load(ordering: .relaxed), pthread_self()) != 0 }

    /// Runs `work` on the loop's thread, after what it is doing now.
    func execute(_ work: @escaping @Sendable () -> Void) {
        // Only the first item of an empty inbox wakes the loop: it drains the eventfd before taking the inbox, so
        // anything added after it took the inbox finds it empty and signals again.
        let wasEmpty = inbox.withLock { queue in
            queue.append(work)
            return queue.count == 1
        }
        if wasEmpty { wakeup.signal() }
    }

    /// Watches `fd` for `events` on behalf of `handler`; returns the handler's token.
    func register(_ handler: any EventLoopHandler, fd: Int32, events: UInt32) throws(SocketError) -> Int {
        assert(inLoop)
        let token = nextToken
        nextToken += 1
        try epoll.add(fd, events: events, token: token)
        handlers[token] = handler
        return token
    }

    /// Forgets a handler: its events and deadlines still pending are dropped. Closing its descriptor is the
    /// handler's business (which also removes it from the epoll set).
    func deregister(_ token: Int) {
        assert(inLoop)
        handlers[token] = nil
    }

    /// Calls the handler's `deadlinePassed` at or after `deadline` (`MonotonicClock` nanoseconds).
    func schedule(_ token: Int, at deadline: UInt64) {
        assert(inLoop)
        timers.push(TimerHeap.Entry(deadline: deadline, token: token))
    }

    private func run() {
        owner.store(pthread_self(), ordering: .relaxed)
        _ = clinux_set_thread_name(name)
        let events = Epoll.Events(capacity: 256)
        while !stopping {
            let n = epoll.wait(events, timeoutMilliseconds: nextTimeout())
            now = MonotonicClock.now()
            for i in 0..<n {
                let token = events.token(i)
                if token == Self.wakeupToken {
                    runInbox()
                } else {
                    handlers[token]?.handle(events: events.mask(i))
                }
            }
            runTimers()
        }
        for handler in handlers.values { handler.loopStopping() }
        handlers = [:]
        timers = TimerHeap()
    }

    private func runInbox() {
        wakeup.drain()
        let work = inbox.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        for item in work { item() }
    }

    private func runTimers() {
        guard !timers.isEmpty else { return }
        now = MonotonicClock.now()
        while let entry = timers.popDue(now: now) { handlers[entry.token]?.deadlinePassed(entry.deadline) }
    }

    /// Milliseconds until the earliest deadline, rounded up so a wake-up is never early; -1 without deadlines.
    private func nextTimeout() -> Int32 {
        guard let earliest = timers.earliest else { return -1 }
        guard earliest > now else { return 0 }
        return Int32(clamping: (earliest - now + 999_999) / 1_000_000)
    }
}
