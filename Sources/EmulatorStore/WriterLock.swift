import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock around the writer connection: a plain pthread mutex holding `Value`, re-entrant for the thread that
/// holds it, so that a write batch's jobs (`EmulatorStore.writeBatch`) can call `write` and `read` inside it.
///
/// Not `Synchronization.Mutex`: under a create load every request thread queues on the writer, and `Mutex`
/// spins before it sleeps (`_MutexHandle._lockSlow`, 1.5 % of the samples in docs/performance.md, "Restore
/// points at scale"), burning a core the writer needs on a 2-core machine. A default pthread mutex sleeps in
/// the kernel (futex) after one failed attempt.
// @unchecked Sendable: `value` is read only between pthread_mutex_lock and pthread_mutex_unlock (by the thread
// recorded in `owner`), and changed only there by `update`.
final class WriterLock<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value
    /// `pthread_self()` of the thread holding the mutex, 0 when free. Compared only with the caller's own id: a
    /// thread sees its own store, and no other thread ever stores its id.
    private let owner = Atomic<UInt>(0)
    /// Threads waiting in `withPriority`: while there are any, `withLock` lets them go first.
    private let priorityWaiters = Atomic<Int>(0)

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// True on the thread that holds the lock.
    var isHeldByCurrentThread: Bool { owner.load(ordering: .relaxed) == UInt(pthread_self()) }

    /// Runs `body` with the value, holding the lock; at once when this thread holds it already.
    func withLock<T, Failure: Error>(_ body: (Value) throws(Failure) -> T) throws(Failure) -> T {
        if isHeldByCurrentThread { return try body(value) }
        // A pthread mutex is not fair: the write queue, unlocking and locking again batch after batch, took it
        // back before a woken waiter ran, and the checkpointer's RESTART waited while the WAL grew by 100,000
        // frames (CheckpointerTests). Yield to a priority waiter instead.
        while priorityWaiters.load(ordering: .acquiring) > 0 { sched_yield() }
        lock()
        defer { unlock() }
        return try body(value)
    }

    /// `withLock` for a short, rare job that must not wait behind a stream of other holders (the checkpointer's
    /// RESTART): holders arriving meanwhile wait until it has had the lock.
    func withPriority<T>(_ body: (Value) -> T) -> T {
        precondition(!isHeldByCurrentThread, "a priority holder does not nest")
        priorityWaiters.add(1, ordering: .releasing)
        lock()
        priorityWaiters.subtract(1, ordering: .releasing)
        defer { unlock() }
        return body(value)
    }

    /// Runs `body` with the value to change, holding the lock; not from inside `withLock` (the value is lent
    /// out there).
    func update<T>(_ body: (inout Value) -> T) -> T {
        precondition(!isHeldByCurrentThread, "the value is changed only from outside the lock")
        lock()
        defer { unlock() }
        return body(&value)
    }

    private func lock() {
        pthread_mutex_lock(mutex)
        owner.store(UInt(pthread_self()), ordering: .relaxed)
    }

    private func unlock() {
        owner.store(0, ordering: .relaxed)
        pthread_mutex_unlock(mutex)
    }
}
