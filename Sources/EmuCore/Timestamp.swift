#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant in UTC, in 100-nanosecond ticks since 1970-01-01T00:00:00Z: the resolution of the seven
/// fractional digits Azure prints (`2026-04-24T10:48:18.0086391+00:00`, CONTRACT.md §3).
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let ticksPerSecond: Int64 = 10_000_000

    public var ticks: Int64

    public init(ticks: Int64) { self.ticks = ticks }

    public init(seconds: Double) { ticks = Int64((seconds * Double(Self.ticksPerSecond)).rounded()) }

    /// Seconds since the epoch.
    public var seconds: Double { Double(ticks) / Double(Self.ticksPerSecond) }

    /// The real wall-clock time (CLOCK_REALTIME).
    public static func wallClock() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(ticks: Int64(ts.tv_sec) * ticksPerSecond + Int64(ts.tv_nsec) / 100)
    }

    public func adding(seconds: Double) -> Timestamp {
        Timestamp(ticks: ticks + Int64((seconds * Double(Self.ticksPerSecond)).rounded()))
    }

    /// Seconds from `other` to `self` (positive when `self` is later).
    public func seconds(since other: Timestamp) -> Double { Double(ticks - other.ticks) / Double(Self.ticksPerSecond) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.ticks < b.ticks }

    public var description: String { iso8601 }
}

extension Timestamp {
    /// `YYYY-MM-DDTHH:MM:SS.fffffff+00:00`.
    public var iso8601: String {
        let (day, rem) = ticks.floorDividedBy(Self.ticksPerSecond * 86_400)
        let (y, m, d) = Self.civil(fromDays: day)
        let secs = rem / Self.ticksPerSecond
        let frac = rem % Self.ticksPerSecond
        guard (0...9999).contains(y) else {
            return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):"
                + "\(pad(secs % 60, 2)).\(pad(frac, 7))+00:00"
        }
        // Four-digit years, the only ones clients see, are written straight into one buffer: every response
        // carries one of these (`x-ms-emulator-now`), and the interpolation above makes a string per field.
        return String(unsafeUninitializedCapacity: 33) { out in
            var i = 0
            func put(_ value: Int64, _ width: Int) {
                var v = value
                for k in stride(from: i + width - 1, through: i, by: -1) {
                    out[k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                i += width
            }
            func put(_ byte: Unicode.Scalar) {
                out[i] = UInt8(ascii: byte)
                i += 1
            }
            put(y, 4)
            put("-")
            put(m, 2)
            put("-")
            put(d, 2)
            put("T")
            put(secs / 3600, 2)
            put(":")
            put(secs / 60 % 60, 2)
            put(":")
            put(secs % 60, 2)
            put(".")
            put(frac, 7)
            for b in "+00:00".utf8 {
                out[i] = b
                i += 1
            }
            return i
        }
    }

    /// `HH:MM` in UTC, for human-readable causes ("... at 12:48").
    public var clockTime: String {
        let rem = ticks.floorDividedBy(Self.ticksPerSecond * 86_400).1 / Self.ticksPerSecond
        return "\(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2))"
    }

    /// Parses RFC 3339 / ISO 8601 date-times: `Z` or `±HH:MM`, any number of fractional digits.
    public init?(iso8601 text: String) {
        let b = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int64? {
            guard from + len <= b.count else { return nil }
            var v: Int64 = 0
            for i in from..<from + len {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 19, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116 || b[10] == 32, b[13] == 58,
            b[16] == 58,
            let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
            let s = num(17, 2), (1...12).contains(mo), (1...Self.daysIn(month: mo, year: y)).contains(d), h < 24,
            mi < 60, s < 61
        else { return nil }
        var i = 19
        var frac: Int64 = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 7 { frac = frac * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 7)..<7 { frac *= 10 }
        }
        var offset: Int64 = 0
        if i < b.count, b[i] == 90 || b[i] == 122 {
            i += 1
        } else if i + 6 == b.count, b[i] == 43 || b[i] == 45, b[i + 3] == 58, let oh = num(i + 1, 2),
            let om = num(i + 4, 2), oh < 24, om < 60
        {
            offset = (oh * 60 + om) * 60 * (b[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = Self.days(fromCivil: y, mo, d)
        let secs = days * 86_400 + h * 3600 + mi * 60 + s - offset
        ticks = secs * Self.ticksPerSecond + frac
    }

    /// The number of days in `month` (1–12) of the proleptic Gregorian `year`.
    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days-from-civil / civil-from-days (proleptic Gregorian).
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Year, month (1–12) and day (1–31) of a day count since 1970-01-01.
    public static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// `v` in decimal, zero-padded to `width` digits after any minus sign (years before 0000 print as `-0001`).
private func pad(_ v: Int64, _ width: Int) -> String {
    let s = String(v.magnitude)
    let digits = s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    return v < 0 ? "-" + digits : digits
}

extension Int64 {
    /// Floor division and the matching non-negative remainder.
    fileprivate func floorDividedBy(_ d: Int64) -> (Int64, Int64) {
        let q = self / d
        let r = self % d
        return r < 0 ? (q - 1, r + d) : (q, r)
    }
}
