import EmuCore
import RestorePointEngine
import Synchronization

/// The process's emulated clock (CONTRACT.md §8.1): one `EmulatedClock` value behind a lock, read against the
/// real wall clock. The real time used never goes back (the highest seen is kept), so emulated time never moves
/// backwards even when the system clock is stepped back. Persisting the value is the caller's job.
final class ClockService: Sendable {
    private struct State {
        var clock: EmulatedClock
        var lastReal: Timestamp
    }

    private let state: Mutex<State>

    init(_ initial: EmulatedClock) { state = Mutex(State(clock: initial, lastReal: initial.realAnchor)) }

    /// The real time to use now: the wall clock, or the last one seen if the wall clock went back.
    private static func real(_ s: inout State) -> Timestamp {
        s.lastReal = max(s.lastReal, Timestamp.wallClock())
        return s.lastReal
    }

    /// The emulated now.
    func now() -> Timestamp {
        state.withLock { s in s.clock.now(real: Self.real(&s)) }
    }

    var value: EmulatedClock { state.withLock { $0.clock } }

    /// Applies a change and returns the new value (to persist).
    func update(_ change: (inout EmulatedClock, Timestamp) throws(ClockError) -> Void) throws(ClockError)
        -> EmulatedClock
    {
        try state.withLock { (s: inout State) throws(ClockError) -> EmulatedClock in
            let real = Self.real(&s)
            var c = s.clock
            try change(&c, real)
            s.clock = c
            return c
        }
    }
}
