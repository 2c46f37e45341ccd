/// Byte classes of the HTTP grammar (RFC 9110 §5.6, RFC 5234 appendix B.1).
enum HTTPSyntax {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let comma = UInt8(ascii: ",")

    /// `tchar` (RFC 9110 §5.6.2): the characters of tokens such as methods and field names.
    @inline(__always)
    static func isTokenChar(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// `field-vchar` plus SP and HTAB (RFC 9110 §5.5): VCHAR, obs-text, SP, HTAB; never NUL, CR, LF or other CTLs.
    @inline(__always)
    static func isFieldValueChar(_ b: UInt8) -> Bool { b >= 0x20 ? b != 0x7F : b == tab }

    /// Bytes allowed in a request-target: visible ASCII and, leniently, obs-text; never CTLs or SP (RFC 9112 §3.2).
    @inline(__always)
    static func isTargetChar(_ b: UInt8) -> Bool { b > 0x20 && b != 0x7F }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// ASCII-lowercases a byte.
    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Splits a list-valued field (RFC 9110 §5.6.1) into trimmed, non-empty, lowercased elements.
    static func listElements(_ value: String) -> [String] {
        value.split(separator: ",").compactMap { element in
            let trimmed = element.utf8.drop { $0 == space || $0 == tab }.reversed().drop { $0 == space || $0 == tab }
            guard !trimmed.isEmpty else { return nil }
            return String(decoding: trimmed.reversed().map(lower), as: UTF8.self)
        }
    }
}
