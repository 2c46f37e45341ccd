/// Splits and percent-decodes origin-form request-targets (RFC 3986 §2.1, §3.3, §3.4).
public enum URLComponentsParser {
    /// Splits a target into the path and the query (without `?`); a fragment is dropped. Works on UTF-8 code
    /// units: this runs for every request, and the delimiters are ASCII.
    public static func split(_ target: String) -> (path: Substring, query: Substring) {
        let (end, q) = withBytes(Substring(target)) { b -> (Int, Int?) in
            let end = b.firstIndex(of: UInt8(ascii: "#")) ?? b.count
            return (end, b[..<end].firstIndex(of: UInt8(ascii: "?")))
        }
        let u = target.utf8
        let endIndex = u.index(u.startIndex, offsetBy: end)
        guard let q else { return (target[..<endIndex], "") }
        let qIndex = u.index(u.startIndex, offsetBy: q)
        return (target[..<qIndex], target[u.index(after: qIndex)..<endIndex])
    }

    /// Path segments, each percent-decoded; empty segments dropped.
    public static func segments(_ path: Substring) -> [String] {
        withBytes(path) { b in
            // Sized once: growing from empty reallocated the array four times for a restore point's path.
            var segments: [String] = []
            segments.reserveCapacity(count(of: UInt8(ascii: "/"), in: b) + 1)
            var start = 0
            for i in 0...b.count where i == b.count || b[i] == UInt8(ascii: "/") {
                if start < i { segments.append(decoded(UnsafeBufferPointer(rebasing: b[start..<i]))) }
                start = i + 1
            }
            return segments
        }
    }

    /// Query items in order; a name without `=` has an empty value.
    public static func queryItems(_ query: Substring) -> [(name: String, value: String)] {
        guard !query.isEmpty else { return [] }
        return withBytes(query) { b in
            var items: [(name: String, value: String)] = []
            items.reserveCapacity(count(of: UInt8(ascii: "&"), in: b) + 1)
            var start = 0
            for i in 0...b.count where i == b.count || b[i] == UInt8(ascii: "&") {
                defer { start = i + 1 }
                guard start < i else { continue }
                let pair = b[start..<i]
                guard let eq = pair.firstIndex(of: UInt8(ascii: "=")) else {
                    items.append((decoded(UnsafeBufferPointer(rebasing: pair)), ""))
                    continue
                }
                items.append(
                    (
                        decoded(UnsafeBufferPointer(rebasing: b[start..<eq])),
                        decoded(UnsafeBufferPointer(rebasing: b[(eq + 1)..<i]))
                    ))
            }
            return items
        }
    }

    private static func count(of byte: UInt8, in b: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for x in b where x == byte { n += 1 }
        return n
    }

    /// `s`'s UTF-8 bytes in place (native strings keep them contiguous), else a copy.
    private static func withBytes<R>(_ s: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = s.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(s.utf8).withUnsafeBufferPointer(body)
    }

    /// The percent-decoded text of `bytes`, or the bytes as they are when an escape is malformed.
    private static func decoded(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "%")) else { return String(decoding: bytes, as: UTF8.self) }
        return percentDecode(Substring(String(decoding: bytes, as: UTF8.self)))
            ?? String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not UTF-8.
    public static func percentDecode(_ s: Substring) -> String? {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return String(s) }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let b = it.next() {
            guard b == UInt8(ascii: "%") else {
                out.append(b)
                continue
            }
            guard let h = it.next(), let l = it.next(), let hv = hexValue(h), let lv = hexValue(l) else { return nil }
            out.append(hv << 4 | lv)
        }
        return String(validating: out, as: UTF8.self)
    }

    /// Encodes everything but RFC 3986 unreserved characters.
    public static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b & 0xF)]))
            }
        }
        return out
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
