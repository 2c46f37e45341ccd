#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock around the writer connection: a plain pthread mutex holding `Value`.
///
/// Not `Synchronization.Mutex`: under a create load every request thread queues on the writer, and `Mutex`
/// spins before it sleeps (`_MutexHandle._lockSlow`, 1.5 % of the samples in docs/performance.md, "Restore
/// points at scale"), burning a core the writer needs on a 2-core machine. A default pthread mutex sleeps in
/// the kernel (futex) after one failed attempt.
// @unchecked Sendable: `value` is read or written only between pthread_mutex_lock and pthread_mutex_unlock.
final class WriterLock<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

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

    /// Runs `body` with the value, holding the lock.
    func withLock<T, Failure: Error>(_ body: (inout Value) throws(Failure) -> T) throws(Failure) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
