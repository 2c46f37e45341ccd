import EmuCore

/// The emulated clock (CONTRACT.md §8.1): now = anchor + scale × (real − realAnchor), or the anchor when frozen.
///
/// A pure value: the real time is always passed in, so tests drive it by hand and the app persists it as three
/// numbers. Every change re-anchors at the current emulated time, so a change of scale never jumps.
public struct EmulatedClock: Sendable, Equatable {
    /// Emulated time at `realAnchor`.
    public private(set) var anchor: Timestamp
    /// Real time at which `anchor` was taken.
    public private(set) var realAnchor: Timestamp
    /// Emulated seconds per real second (≥ 0).
    public private(set) var scale: Double
    public private(set) var frozen: Bool

    public init(anchor: Timestamp, realAnchor: Timestamp, scale: Double = 1, frozen: Bool = false) {
        self.anchor = anchor
        self.realAnchor = realAnchor
        self.scale = scale
        self.frozen = frozen
    }

    /// A clock that starts at the real time.
    public static func starting(at real: Timestamp, scale: Double = 1, frozen: Bool = false) -> EmulatedClock {
        EmulatedClock(anchor: real, realAnchor: real, scale: scale, frozen: frozen)
    }

    /// The emulated time at real time `real`. A real clock stepping backwards reads as no time passing.
    public func now(real: Timestamp) -> Timestamp {
        guard !frozen, real > realAnchor else { return anchor }
        return anchor.adding(seconds: real.seconds(since: realAnchor) * scale)
    }

    private mutating func reanchor(real: Timestamp) {
        anchor = now(real: real)
        realAnchor = max(real, realAnchor)
    }

    /// Moves emulated time forward by `seconds` (must be ≥ 0).
    public mutating func advance(bySeconds seconds: Double, real: Timestamp) throws(ClockError) {
        guard seconds >= 0, seconds.isFinite else { throw .backwards }
        reanchor(real: real)
        anchor = anchor.adding(seconds: seconds)
    }

    /// Jumps to `target`, which must not be earlier than now. A refusal leaves the clock as it was.
    public mutating func set(now target: Timestamp, real: Timestamp) throws(ClockError) {
        guard target >= now(real: real) else { throw .backwards }
        reanchor(real: real)
        anchor = target
    }

    public mutating func set(scale newScale: Double, real: Timestamp) throws(ClockError) {
        guard newScale >= 0, newScale.isFinite else { throw .invalidScale }
        reanchor(real: real)
        scale = newScale
    }

    public mutating func set(frozen newFrozen: Bool, real: Timestamp) {
        reanchor(real: real)
        frozen = newFrozen
    }
}

/// Why the clock refused a change.
public enum ClockError: Error, Sendable, Equatable {
    /// Time never moves backwards (CONTRACT.md §8.1).
    case backwards
    /// A scale must be a finite number ≥ 0.
    case invalidScale
}
