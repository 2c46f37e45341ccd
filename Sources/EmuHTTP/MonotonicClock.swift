import Glibc

/// CLOCK_MONOTONIC in nanoseconds: the event loops' deadlines. A vDSO call, no system call (clock_gettime(2)).
enum MonotonicClock {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// `start + duration`, saturating at `UInt64.max` ("never").
    static func deadline(after start: UInt64, _ duration: Duration) -> UInt64 {
        let (sum, overflow) = start.addingReportingOverflow(duration.saturatingNanoseconds)
        return overflow ? .max : sum
    }
}
