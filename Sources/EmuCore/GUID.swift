import Synchronization

/// GUIDs in Azure's lower-case 8-4-4-4-12 form (`2dc52b0f-8428-4af3-a50a-705867e55c4e`): random version 4, and
/// time-ordered version 7 for ids.
///
/// Every request gets an id (`x-ms-request-id`), so this is on the hot path: two 64-bit draws and a table, not one
/// system call per byte.
public enum GUID {
    private static let hex = Array("0123456789abcdef".utf8)

    /// The state of `makeID()`: a generator seeded once from the system's, and the last id's time and counter.
    private struct IDState {
        var random: Xoshiro256
        var millisecond: UInt64 = 0
        var counter: UInt64 = 0
    }

    private static let ids: Mutex<IDState> = {
        var system = SystemRandomNumberGenerator()
        return Mutex(IDState(random: Xoshiro256(seed: &system)))
    }()

    /// A GUID from the system's generator (`getrandom`): for anything a client must not guess (SAS tokens).
    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return make(using: &g)
    }

    /// A version-7 GUID (RFC 9562 §5.7) for request and operation ids: unique and guessable, made without a system
    /// call, and each one sorts after the one before, as text too.
    ///
    /// Operations are stored under their id: a random key put each one at a random place in the table's index, a
    /// page written and usually read per create (docs/performance.md, "Restore points at scale"); ids in
    /// creation order append. The 12 bits after the version count ids within one millisecond (RFC 9562 §6.2,
    /// method 1), from a random start below 2,048; a full counter borrows the next millisecond (§6.2, method 3).
    public static func makeID() -> String {
        let now = UInt64(max(0, Timestamp.wallClock().ticks / 10_000))
        let (millisecond, counter, low) = ids.withLock { state in
            if now > state.millisecond {
                state.millisecond = now
                state.counter = state.random.next() & 0x7FF
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                state.millisecond += 1
                state.counter = state.random.next() & 0x7FF
            }
            return (state.millisecond, state.counter, state.random.next())
        }
        return make(high: millisecond << 16 | counter, low: low, version: 0x7000)
    }

    /// A GUID from a given generator (tests and seeded fixtures pass a deterministic one).
    public static func make(using g: inout some RandomNumberGenerator) -> String {
        let high = g.next()
        return make(high: high, low: g.next(), version: 0x4000)
    }

    /// `version` is the 13th hex digit, in place (0x4000: RFC 9562 §5.4; 0x7000: §5.7).
    private static func make(high: UInt64, low: UInt64, version: UInt64) -> String {
        var high = high
        var low = low
        // The version in the 13th hex digit, variant 10xx in the 17th (RFC 9562 §4.1, §4.2).
        high = (high & ~0xF000) | version
        low = (low & ~(0xC000 << 48)) | (0x8000 << 48)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var i = 0
            func put(_ v: UInt64, nibbles: Int) {
                for n in stride(from: nibbles - 1, through: 0, by: -1) {
                    buffer[i] = hex[Int((v >> (UInt64(n) * 4)) & 0xF)]
                    i += 1
                }
            }
            func dash() {
                buffer[i] = UInt8(ascii: "-")
                i += 1
            }
            put(high >> 32, nibbles: 8)
            dash()
            put(high >> 16, nibbles: 4)
            dash()
            put(high, nibbles: 4)
            dash()
            put(low >> 48, nibbles: 4)
            dash()
            put(low, nibbles: 12)
            return 36
        }
    }

    /// 32 hex digits without dashes (the suffix of `{vm}_OsDisk_1_{32 hex}`, CONTRACT.md §4.1).
    public static func makeHex32() -> String { String(make().filter { $0 != "-" }) }
}
