import Synchronization

/// Random version-4 GUIDs in Azure's lower-case 8-4-4-4-12 form (`2dc52b0f-8428-4af3-a50a-705867e55c4e`).
///
/// Every request gets one (`x-ms-request-id`), so this is on the hot path: two 64-bit draws and a table, not one
/// system call per byte.
public enum GUID {
    private static let hex = Array("0123456789abcdef".utf8)
    /// The generator of `makeID()`, seeded once from the system's.
    private static let ids: Mutex<Xoshiro256> = {
        var system = SystemRandomNumberGenerator()
        return Mutex(Xoshiro256(seed: &system))
    }()

    /// A GUID from the system's generator (`getrandom`): for anything a client must not guess (SAS tokens).
    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return make(using: &g)
    }

    /// A GUID that is unique but guessable, without a system call: for request and operation ids, made for every
    /// request (two `getrandom` calls per request otherwise).
    public static func makeID() -> String {
        let (high, low) = ids.withLock { g in (g.next(), g.next()) }
        return make(high: high, low: low)
    }

    /// A GUID from a given generator (tests and seeded fixtures pass a deterministic one).
    public static func make(using g: inout some RandomNumberGenerator) -> String {
        let high = g.next()
        return make(high: high, low: g.next())
    }

    private static func make(high: UInt64, low: UInt64) -> String {
        var high = high
        var low = low
        // RFC 9562 §5.4: version 4 in the 13th hex digit, variant 10xx in the 17th.
        high = (high & ~0xF000) | 0x4000
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
