import EmuCore
import Testing

private let second = Timestamp.ticksPerSecond

/// Azure's seven-digit UTC timestamps (CONTRACT.md §3) and RFC 3339 parsing.
@Suite struct TimestampTests {
    // MARK: Formatting

    static let formatted: [(ticks: Int64, text: String)] = [
        (0, "1970-01-01T00:00:00.0000000+00:00"),
        (1, "1970-01-01T00:00:00.0000001+00:00"),
        (9_999_999, "1970-01-01T00:00:00.9999999+00:00"),
        (10_000_000, "1970-01-01T00:00:01.0000000+00:00"),
        (-1, "1969-12-31T23:59:59.9999999+00:00"),
        (-10_000_000, "1969-12-31T23:59:59.0000000+00:00"),
        (-10_000_001, "1969-12-31T23:59:58.9999999+00:00"),
        (1_777_027_698 * second + 86_391, "2026-04-24T10:48:18.0086391+00:00"),
        (1_709_164_800 * second, "2024-02-29T00:00:00.0000000+00:00"),
        (951_782_400 * second, "2000-02-29T00:00:00.0000000+00:00"),
        (-2_203_977_600 * second, "1900-02-28T00:00:00.0000000+00:00"),
        (-2_203_891_200 * second, "1900-03-01T00:00:00.0000000+00:00"),
        (4_107_542_400 * second - 1, "2100-02-28T23:59:59.9999999+00:00"),
        (253_402_300_799 * second + 9_999_999, "9999-12-31T23:59:59.9999999+00:00"),
        (-62_135_596_800 * second, "0001-01-01T00:00:00.0000000+00:00"),
        (-62_135_596_800 * second - 1, "0000-12-31T23:59:59.9999999+00:00"),
        (-11_644_473_600 * second, "1601-01-01T00:00:00.0000000+00:00"),
        (-62_198_755_200 * second, "-0001-01-01T00:00:00.0000000+00:00"),
        (Int64.max, "31197-09-14T02:48:05.4775807+00:00"),
        (Int64.min, "-27258-04-19T21:11:54.5224192+00:00"),
    ]

    @Test(arguments: formatted)
    func formatsSevenDigitsAndUTCOffset(ticks: Int64, text: String) {
        let t = Timestamp(ticks: ticks)
        #expect(t.iso8601 == text)
        #expect(t.description == text)
    }

    @Test func everyDayOfALeapYearFormatsAndParsesBack() throws {
        let start = try #require(Timestamp(iso8601: "2024-01-01T00:00:00Z"))
        var months: [String: Int] = [:]
        for day in 0..<366 {
            let t = start.adding(seconds: Double(day) * 86_400 + 43_200.5)
            let text = t.iso8601
            months[String(text.dropFirst(5).prefix(2)), default: 0] += 1
            #expect(Timestamp(iso8601: text) == t)
        }
        #expect(
            months == [
                "01": 31, "02": 29, "03": 31, "04": 30, "05": 31, "06": 30,
                "07": 31, "08": 31, "09": 30, "10": 31, "11": 30, "12": 31,
            ])
        #expect(start.adding(seconds: 366 * 86_400).iso8601 == "2025-01-01T00:00:00.0000000+00:00")
    }

    @Test func clockTimeIsHoursAndMinutesInUTC() {
        #expect(Timestamp(ticks: 1_777_027_698 * second).clockTime == "10:48")
        #expect(Timestamp(ticks: 0).clockTime == "00:00")
        #expect(Timestamp(ticks: -1).clockTime == "23:59")
    }

    // MARK: Arithmetic

    @Test func secondsConversionsAndArithmetic() {
        #expect(Timestamp(seconds: 1.5).ticks == 15_000_000)
        #expect(Timestamp(seconds: -1.5).ticks == -15_000_000)
        #expect(Timestamp(seconds: 0.00000005).ticks == 1)
        #expect(Timestamp(ticks: 25_000_000).seconds == 2.5)
        let t = Timestamp(ticks: 1_000 * second)
        #expect(t.adding(seconds: 7200).ticks == 8_200 * second)
        #expect(t.adding(seconds: -0.0000001).ticks == 1_000 * second - 1)
        #expect(t.adding(seconds: 7200).seconds(since: t) == 7200)
        #expect(t.seconds(since: t.adding(seconds: 30)) == -30)
    }

    @Test func ordersByTicks() {
        let a = Timestamp(ticks: -5)
        let b = Timestamp(ticks: 0)
        let c = Timestamp(ticks: 5)
        #expect(a < b && b < c)
        #expect([c, a, b].sorted() == [a, b, c])
        #expect(Timestamp(ticks: 5) == c)
        #expect(max(a, c) == c)
    }

    @Test func wallClockIsAfter2024() throws {
        let t = Timestamp.wallClock()
        #expect(t > Timestamp(iso8601: "2024-01-01T00:00:00Z")!)
    }

    // MARK: Parsing

    static let parsed: [(text: String, ticks: Int64)] = [
        ("2026-04-24T10:48:18Z", 1_777_027_698 * second),
        ("2026-04-24T10:48:18z", 1_777_027_698 * second),
        ("2026-04-24t10:48:18Z", 1_777_027_698 * second),
        ("2026-04-24 10:48:18Z", 1_777_027_698 * second),
        ("2026-04-24T10:48:18+00:00", 1_777_027_698 * second),
        ("2026-04-24T10:48:18-00:00", 1_777_027_698 * second),
        ("2026-04-24T12:48:18+02:00", 1_777_027_698 * second),
        ("2026-04-24T05:18:18-05:30", 1_777_027_698 * second),
        ("2026-04-25T00:47:18+13:59", 1_777_027_698 * second),
        ("2026-04-23T22:48:18-12:00", 1_777_027_698 * second),
        ("2026-04-24T10:48:18.0086391+00:00", 1_777_027_698 * second + 86_391),
        ("2026-04-24T10:48:18.1Z", 1_777_027_698 * second + 1_000_000),
        ("2026-04-24T10:48:18.12Z", 1_777_027_698 * second + 1_200_000),
        ("2026-04-24T10:48:18.123Z", 1_777_027_698 * second + 1_230_000),
        ("2026-04-24T10:48:18.1234Z", 1_777_027_698 * second + 1_234_000),
        ("2026-04-24T10:48:18.12345Z", 1_777_027_698 * second + 1_234_500),
        ("2026-04-24T10:48:18.123456Z", 1_777_027_698 * second + 1_234_560),
        ("2026-04-24T10:48:18.1234567Z", 1_777_027_698 * second + 1_234_567),
        ("2026-04-24T10:48:18.12345678Z", 1_777_027_698 * second + 1_234_567),
        ("2026-04-24T10:48:18.123456789Z", 1_777_027_698 * second + 1_234_567),
        ("2026-04-24T10:48:18.000000000000000000001Z", 1_777_027_698 * second),
        ("2026-04-24T10:48:18.5-01:00", (1_777_027_698 + 3600) * second + 5_000_000),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.9999999Z", -1),
        ("1970-01-01T00:00:00+00:01", -60 * second),
        ("2024-02-29T00:00:00Z", 1_709_164_800 * second),
        ("2000-02-29T00:00:00Z", 951_782_400 * second),
        ("2024-03-01T01:00:00+02:00", (1_709_164_800 + 82_800) * second),
        ("9999-12-31T23:59:59.9999999Z", 253_402_300_799 * second + 9_999_999),
        ("0001-01-01T00:00:00Z", -62_135_596_800 * second),
        ("1601-01-01T00:00:00Z", -11_644_473_600 * second),
        ("2016-12-31T23:59:60Z", 1_483_228_800 * second),
    ]

    @Test(arguments: parsed)
    func parses(text: String, ticks: Int64) throws {
        let t = try #require(Timestamp(iso8601: text))
        #expect(t.ticks == ticks)
    }

    @Test(arguments: [
        "", "now", "2026-04-24", "2026-04-24T10:48", "2026-04-24T10:48:18", "2026-04-24T10:48:18.5",
        "2026-04-24T10:48:18.Z", "2026-04-24T10:48:18.+00:00", "2026-04-24T10:48:18ZZ", "2026-04-24T10:48:18Z ",
        " 2026-04-24T10:48:18Z", "2026-04-24T10:48:18+0200", "2026-04-24T10:48:18+02", "2026-04-24T10:48:18+2:00",
        "2026-04-24T10:48:18+02:00Z", "2026-04-24T10:48:18+02:00:00", "2026-04-24T10:48:18UTC",
        "2026-04-24T10:48:18+24:00", "2026-04-24T10:48:18+02:60", "2026-04-24T10:48:18+aa:00",
        "2026-4-24T10:48:18Z", "2026-04-4T10:48:18Z", "26-04-24T10:48:18Z", "+2026-04-24T10:48:18Z",
        "20260424T104818Z", "2026/04/24T10:48:18Z", "2026-04-24X10:48:18Z", "2026-04-24T10-48-18Z",
        "2026-04-24T1:48:18Z", "2026-04-24T10:48:1Z", "2026-04-24T10:48:18,5Z", "2026-04-24T10:48:18.5.5Z",
        "2026-00-10T00:00:00Z", "2026-13-10T00:00:00Z", "2026-04-00T00:00:00Z", "2026-04-32T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-06-31T00:00:00Z", "2026-09-31T00:00:00Z", "2026-11-31T00:00:00Z",
        "2026-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
        "2024-02-30T00:00:00Z", "2026-01-32T00:00:00Z", "2026-04-24T24:00:00Z", "2026-04-24T10:60:00Z",
        "2026-04-24T10:48:61Z", "2026-04-24T-1:48:18Z", "２０２６-04-24T10:48:18Z",
    ])
    func rejects(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test(arguments: [Int64(0), 1, -1, 17_770_276_980_086_391, -17_770_276_980_086_391, 253_402_300_799_999_999])
    func formattedTextParsesBackToTheSameTicks(ticks: Int64) throws {
        let t = Timestamp(ticks: ticks)
        #expect(try #require(Timestamp(iso8601: t.iso8601)) == t)
    }

    @Test func lastDayOfEveryMonthIsAcceptedAndTheNextIsNot() {
        let lastDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for (index, last) in lastDays.enumerated() {
            let month = index + 1 < 10 ? "0\(index + 1)" : "\(index + 1)"
            #expect(Timestamp(iso8601: "2025-\(month)-\(last)T00:00:00Z") != nil)
            #expect(Timestamp(iso8601: "2025-\(month)-\(last + 1)T00:00:00Z") == nil)
        }
    }
}
