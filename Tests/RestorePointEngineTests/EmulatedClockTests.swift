import EmuCore
import RestorePointEngine
import Testing

/// Real time of the tests: 2030-01-01T00:00:00Z, far from the emulated `t0` so the two cannot be confused.
private let real0 = Timestamp(ticks: 1_893_456_000 * Timestamp.ticksPerSecond)

/// The emulated clock of CONTRACT.md §8.1: now = anchor + scale × real elapsed, frozen, never backwards.
@Suite struct EmulatedClockTests {
    @Test func startingAtTheRealTimeReadsTheRealTimeAtScaleOne() {
        let clock = EmulatedClock.starting(at: real0)
        #expect(clock.now(real: real0) == real0)
        #expect(clock.now(real: real0.plus(90)) == real0.plus(90))
        #expect(clock.scale == 1)
        #expect(!clock.frozen)
    }

    @Test(arguments: [(1.0, 90.0), (60, 5400), (0, 0), (0.5, 45)])
    func nowIsTheAnchorPlusScaledRealElapsed(scale: Double, emulatedSeconds: Double) {
        let clock = EmulatedClock(anchor: t0, realAnchor: real0, scale: scale)
        #expect(clock.now(real: real0) == t0)
        #expect(clock.now(real: real0.plus(90)) == t0.plus(emulatedSeconds))
    }

    @Test func scaleSixtyTurnsOneRealTickIntoSixtyEmulatedTicks() {
        let clock = EmulatedClock(anchor: t0, realAnchor: real0, scale: 60)
        #expect(clock.now(real: real0.plus(ticks: 1)) == t0.plus(ticks: 60))
        #expect(clock.now(real: real0.plus(3600)) == t0.plus(216_000))
    }

    @Test func aFrozenClockReadsItsAnchorWhateverTheRealTime() {
        let clock = EmulatedClock(anchor: t0, realAnchor: real0, scale: 60, frozen: true)
        for real in [real0, real0.plus(1), real0.plus(86_400), real0.plus(-60)] {
            #expect(clock.now(real: real) == t0)
        }
    }

    @Test func freezingAndThawingKeepTheEmulatedTimeWithoutAJump() {
        var clock = EmulatedClock(anchor: t0, realAnchor: real0, scale: 60)
        clock.set(frozen: true, real: real0.plus(10))
        #expect(clock.frozen)
        #expect(clock.now(real: real0.plus(10)) == t0.plus(600))
        #expect(clock.now(real: real0.plus(1000)) == t0.plus(600))
        clock.set(frozen: false, real: real0.plus(2000))
        #expect(clock.now(real: real0.plus(2000)) == t0.plus(600))
        #expect(clock.now(real: real0.plus(2001)) == t0.plus(660))
    }

    @Test func advanceMovesForwardAndKeepsRunning() throws {
        var clock = EmulatedClock(anchor: t0, realAnchor: real0)
        try clock.advance(bySeconds: 7200, real: real0.plus(10))
        #expect(clock.now(real: real0.plus(10)) == t0.plus(7210))
        #expect(clock.now(real: real0.plus(20)) == t0.plus(7220))
        try clock.advance(bySeconds: 0, real: real0.plus(20))
        #expect(clock.now(real: real0.plus(20)) == t0.plus(7220))
    }

    @Test func advanceWorksOnAFrozenClock() throws {
        var clock = EmulatedClock(anchor: t0, realAnchor: real0, frozen: true)
        try clock.advance(bySeconds: 3600, real: real0.plus(5))
        #expect(clock.now(real: real0.plus(5)) == t0.plus(3600))
        #expect(clock.now(real: real0.plus(500)) == t0.plus(3600))
    }

    @Test(arguments: [-1, -0.000_000_1, Double.nan, Double.infinity, -Double.infinity])
    func advanceRefusesNegativeAndNonFiniteAmounts(seconds: Double) {
        var clock = EmulatedClock(anchor: t0, realAnchor: real0)
        let before = clock
        #expect(throws: ClockError.backwards) { try clock.advance(bySeconds: seconds, real: real0.plus(10)) }
        #expect(clock == before)
    }

    @Test func setNowJumpsForwardAndKeepsRunning() throws {
        var clock = EmulatedClock(anchor: t0, realAnchor: real0, scale: 2)
        let target = t0.plus(86_400)
        try clock.set(now: target, real: real0.plus(5))
        #expect(clock.now(real: real0.plus(5)) == target)
        #expect(clock.now(real: real0.plus(6)) == target.plus(2))
        #expect(clock.scale == 2)
    }

    @Test func setNowToTheCurrentInstantIsAccepted() throws {
        var clock = EmulatedClock(anchor: t0, realAnchor: real0)
        try clock.set(now: t0.plus(10), real: real0.plus(10))
        #expect(clock.now(real: real0.plus(10)) == t0.plus(10))
    }

    @Test(arguments: [(-5.0, Int64(0)), (0, -1), (-86_400, 0)])
    func setNowRefusesAnEarlierTimeAndLeavesTheClockAsItWas(seconds: Double, ticks: Int64) {
        var clock = EmulatedClock(anchor: t0, realAnchor: real0, scale: 1)
        let before = clock
        let current = clock.now(real: real0.plus(10))
        #expect(throws: ClockError.backwards) {
            try clock.set(now: current.plus(seconds, ticks: ticks), real: real0.plus(10))
        }
        #expect(clock == before)
        #expect(clock.now(real: real0.plus(20)) == t0.plus(20))
    }

    @Test func aScaleChangeDoesNotJump() throws {
        var clock = EmulatedClock(anchor: t0, realAnchor: real0)
        try clock.set(scale: 60, real: real0.plus(100))
        #expect(clock.scale == 60)
        #expect(clock.now(real: real0.plus(100)) == t0.plus(100))
        #expect(clock.now(real: real0.plus(101)) == t0.plus(160))
        try clock.set(scale: 0, real: real0.plus(110))
        #expect(clock.now(real: real0.plus(110)) == t0.plus(700))
        #expect(clock.now(real: real0.plus(10_000)) == t0.plus(700))
        try clock.set(scale: 1, real: real0.plus(20_000))
        #expect(clock.now(real: real0.plus(20_001)) == t0.plus(701))
    }

    @Test(arguments: [-1, Double.nan, Double.infinity])
    func invalidScalesAreRefusedAndChangeNothing(scale: Double) {
        var clock = EmulatedClock(anchor: t0, realAnchor: real0)
        let before = clock
        #expect(throws: ClockError.invalidScale) { try clock.set(scale: scale, real: real0.plus(10)) }
        #expect(clock == before)
    }

    @Test func aRealClockSteppingBackwardsReadsAsNoTimePassing() throws {
        var clock = EmulatedClock(anchor: t0, realAnchor: real0, scale: 60)
        #expect(clock.now(real: real0.plus(-60)) == t0)
        #expect(clock.now(real: real0.plus(ticks: -1)) == t0)
        // A change made while the real clock is behind its anchor keeps the anchor: the lost real seconds are
        // neither counted twice nor counted backwards.
        try clock.set(scale: 2, real: real0.plus(-30))
        #expect(clock.realAnchor == real0)
        #expect(clock.now(real: real0.plus(-30)) == t0)
        #expect(clock.now(real: real0.plus(10)) == t0.plus(20))
    }

    @Test func nowNeverDecreasesAsTheRealTimeGrows() {
        let clock = EmulatedClock(anchor: t0, realAnchor: real0, scale: 60)
        var previous = clock.now(real: real0.plus(-1))
        for step in 0..<2_000 {
            let now = clock.now(real: real0.plus(ticks: Int64(step) * 3_333))
            #expect(now >= previous)
            previous = now
        }
    }
}
