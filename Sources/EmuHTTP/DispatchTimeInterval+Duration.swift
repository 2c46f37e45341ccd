import Dispatch

extension DispatchTimeInterval {
    /// A Swift `Duration` as nanoseconds, saturating (a century of timeout is as good as forever).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = max(seconds, 0).multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? Int.max : Int(clamping: scaled + max(attoseconds, 0) / 1_000_000_000))
    }
}
