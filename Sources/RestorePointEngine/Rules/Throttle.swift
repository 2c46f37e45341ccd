/// Optional throttling of restore point PUTs (CONTRACT.md §7, `--enforce-throttling`): Azure's documented
/// 3 PUTs per VM per hour, answered 429 with `Retry-After`.
public enum Throttle {
    /// `recent` = restore points of the VM started within the last hour; `oldestAge` = seconds since the oldest of
    /// them started (it leaves the window in `3600 − oldestAge` seconds).
    public static func check(recent: Int, oldestAge: Double?, limits: Limits) throws(EngineError) {
        guard let limit = limits.restorePointPutsPerVmPerHour, recent >= limit else { return }
        let wait = max(1, Int((3600 - (oldestAge ?? 0)).rounded(.up)))
        throw .throttled(
            message:
                "\(recent) restore points were already created on this VM within the last hour; the limit is \(limit) "
                + "per hour (--enforce-throttling). Retry after \(wait) seconds.", retryAfterSeconds: wait)
    }
}
