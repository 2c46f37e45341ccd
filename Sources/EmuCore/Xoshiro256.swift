/// xoshiro256** (Blackman and Vigna, https://prng.di.unimi.it/xoshiro256starstar.c): a fast generator for values
/// that must be unique but need not be unguessable. Not for secrets: its state can be recovered from its output.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the state from `seed`; an all-zero state (which would only ever give zeros) becomes the reference one.
    public init(seed: inout some RandomNumberGenerator) {
        s = (seed.next(), seed.next(), seed.next(), seed.next())
        if s == (0, 0, 0, 0) { s = (1, 2, 3, 4) }
    }

    /// The given state, for tests against the reference implementation.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        s = state
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
