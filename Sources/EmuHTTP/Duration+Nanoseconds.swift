extension Duration {
    /// Whole nanoseconds, saturating: negative is 0, and a century of timeout is as good as forever.
    var saturatingNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = UInt64(max(seconds, 0)).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, carry) = scaled.addingReportingOverflow(UInt64(max(attoseconds, 0) / 1_000_000_000))
        return carry ? .max : sum
    }
}
