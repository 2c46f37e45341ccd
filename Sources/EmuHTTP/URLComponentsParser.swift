/// Splits and percent-decodes origin-form request-targets (RFC 3986 §2.1, §3.3, §3.4).
public enum URLComponentsParser {
    /// Splits a target into the path and the query (without `?`); a fragment is dropped. Works on UTF-8 code
    /// units: this runs for every request, and the delimiters are ASCII.
    public static func split(_ target: String) -> (path: Substring, query: Substring) {
        let u = target.utf8
        let end = u.firstIndex(of: UInt8(ascii: "#")) ?? u.endIndex
        guard let q = u[..<end].firstIndex(of: UInt8(ascii: "?")) else { return (target[..<end], "") }
        return (target[..<q], target[u.index(after: q)..<end])
    }

    /// Path segments, each percent-decoded; empty segments dropped.
    public static func segments(_ path: Substring) -> [String] {
        // One pass over the UTF-8 view; the generic `split` then `map` built an array of slices first.
        let u = path.utf8
        var segments: [String] = []
        var start = u.startIndex
        var i = start
        while true {
            let atEnd = i == u.endIndex
            if atEnd || u[i] == UInt8(ascii: "/") {
                if start < i {
                    let s = path[start..<i]
                    segments.append(percentDecode(s) ?? String(s))
                }
                if atEnd { return segments }
                start = u.index(after: i)
            }
            i = u.index(after: i)
        }
    }

    /// Query items in order; a name without `=` has an empty value.
    public static func queryItems(_ query: Substring) -> [(name: String, value: String)] {
        guard !query.isEmpty else { return [] }
        return query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { bytes in
            let pair = Substring(bytes)
            if let eq = pair.utf8.firstIndex(of: UInt8(ascii: "=")) {
                let n = pair[..<eq]
                let v = pair[pair.utf8.index(after: eq)...]
                return (percentDecode(n) ?? String(n), percentDecode(v) ?? String(v))
            }
            return (percentDecode(pair) ?? String(pair), "")
        }
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
