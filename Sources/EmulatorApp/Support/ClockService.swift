import EmuCore
import RestorePointEngine
import Synchronization

/// The process's emulated clock (CONTRACT.md §8.1): one `EmulatedClock` value behind a lock, read against the
/// real wall clock. Persisting it is the caller's job (the store keeps the three numbers).
final class ClockService: Sendable {
    private let clock: Mutex<EmulatedClock>

    init(_ initial: EmulatedClock) { clock = Mutex(initial) }

    /// The emulated now.
    func now() -> Timestamp {
        let real = Timestamp.wallClock()
        return clock.withLock { $0.now(real: real) }
    }

    var value: EmulatedClock { clock.withLock { $0 } }

    /// Applies a change and returns the new value (to persist).
    func update(_ change: (inout EmulatedClock, Timestamp) throws(ClockError) -> Void) throws(ClockError)
        -> EmulatedClock
    {
        let real = Timestamp.wallClock()
        return try clock.withLock { (c: inout EmulatedClock) throws(ClockError) -> EmulatedClock in
            try change(&c, real)
            return c
        }
    }

    func replace(_ c: EmulatedClock) { clock.withLock { $0 = c } }
}
