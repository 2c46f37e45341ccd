import RestorePointEngine
import Testing

@Suite("Optional throttling")
struct ThrottleTests {
    @Test func offUnlessALimitIsSet() throws {
        try Throttle.check(recent: 100, oldestAge: 1, limits: Limits())
    }

    @Test func refusesAtTheLimitWithTheTimeUntilTheOldestLeavesTheHour() {
        var limits = Limits()
        limits.restorePointPutsPerVmPerHour = 3
        #expect(
            refusal { () throws(EngineError) in try Throttle.check(recent: 2, oldestAge: 10, limits: limits) } == nil)
        do {
            try Throttle.check(recent: 3, oldestAge: 1200.5, limits: limits)
            Issue.record("not throttled")
        } catch {
            guard case .throttled(let message, let seconds) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(seconds == 2400)
            #expect(message.contains("--enforce-throttling"))
        }
    }
}
