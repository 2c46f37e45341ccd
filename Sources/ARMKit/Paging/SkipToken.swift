/// The opaque `$skiptoken` of a `nextLink`: the last key of the previous page, base64url without padding
/// (RFC 4648 §5), so it survives clients re-quoting query values (reference/clients.md §0.6).
public enum SkipToken {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func encode(_ key: String) -> String {
        let bytes = Array(key.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v = UInt32(bytes[i]) << 16
            if n > 1 { v |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { v |= UInt32(bytes[i + 2]) }
            for k in 0..<(n + 1) { out.append(alphabet[Int((v >> (18 - 6 * UInt32(k))) & 0x3F)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The key, or nil when the token is not one the emulator made.
    public static func decode(_ token: String) -> String? {
        var values: [UInt32] = []
        for c in token.utf8 {
            guard let i = alphabet.firstIndex(of: c) else { return nil }
            values.append(UInt32(i))
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var v: UInt32 = 0
            for (k, x) in chunk.enumerated() { v |= x << (18 - 6 * UInt32(k)) }
            let produced = chunk.count - 1
            for k in 0..<produced { out.append(UInt8((v >> (16 - 8 * UInt32(k))) & 0xFF)) }
            i += 4
        }
        return String(validating: out, as: UTF8.self)
    }
}
