import EmuCore
import Glibc

/// The `Date` header value in IMF-fixdate form (RFC 9110 §5.6.7), formatted once per second.
struct HTTPDate: Sendable {
    private var second = Int.min
    private var cached: [UInt8] = []

    init() {}

    /// The current time's IMF-fixdate bytes, reformatted only when the second changes.
    mutating func current() -> [UInt8] { bytes(at: time(nil)) }

    /// The IMF-fixdate bytes for `epochSeconds`, from the cache when it is the same second.
    mutating func bytes(at epochSeconds: Int) -> [UInt8] {
        if epochSeconds != second {
            second = epochSeconds
            cached = Self.format(epochSeconds)
        }
        return cached
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for a count of seconds since 1970-01-01T00:00:00Z.
    static func format(_ epochSeconds: Int) -> [UInt8] {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondOfDay = epochSeconds - days * 86_400
        let (y, m, d) = Timestamp.civil(fromDays: Int64(days))
        let (year, month, day) = (Int(y), Int(m), Int(d))
        let weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday (index 4 from Sunday)
        let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var out: [UInt8] = []
        out.reserveCapacity(29)
        out.append(contentsOf: dayNames[weekday].utf8)
        out.append(contentsOf: ", ".utf8)
        twoDigits(day, &out)
        out.append(HTTPSyntax.space)
        out.append(contentsOf: monthNames[month - 1].utf8)
        out.append(HTTPSyntax.space)
        twoDigits(year / 100, &out)
        twoDigits(year % 100, &out)
        out.append(HTTPSyntax.space)
        twoDigits(secondOfDay / 3600, &out)
        out.append(HTTPSyntax.colon)
        twoDigits(secondOfDay / 60 % 60, &out)
        out.append(HTTPSyntax.colon)
        twoDigits(secondOfDay % 60, &out)
        out.append(contentsOf: " GMT".utf8)
        return out
    }

    private static func twoDigits(_ n: Int, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "0") + UInt8(n / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(n % 10))
    }
}
