import EmuCore
import Testing

/// ISO 8601 durations for the clock control (CONTRACT.md §8.1).
@Suite struct ISODurationTests {
    @Test(arguments: [
        ("PT2H", 7200.0), ("P1DT30M", 88_200), ("PT0.5S", 0.5), ("PT0,5S", 0.5), ("P2W", 1_209_600),
        ("PT1S", 1), ("PT90M", 5400), ("PT36H", 129_600), ("P1D", 86_400), ("P0D", 0), ("PT0S", 0),
        ("P1DT2H3M4S", 93_784), ("P1DT2H3M4.25S", 93_784.25), ("PT1.5H", 5400), ("PT0.25M", 15),
        ("P1.5D", 129_600), ("P1W1D", 691_200), ("P10000D", 864_000_000), ("PT2H30M", 9000),
        ("pt2h", 7200), ("p1dt30m", 88_200), ("Pt0.5s", 0.5), ("p2w", 1_209_600), ("PT007M", 420),
    ])
    func parses(text: String, seconds: Double) {
        #expect(ISODuration.seconds(text) == seconds)
    }

    @Test(arguments: [
        // Years and months depend on the date.
        "P1Y", "P1M", "P1Y2M", "P1YT1H", "P1M1D",
        // Designators without numbers, numbers without designators, no components.
        "", "P", "PT", "P1DT", "PTH", "PT.H", "PH", "P1", "PT1", "PT1H2", "T1H", "PD", "PTS",
        // Not starting with P, or a designator in the wrong part.
        "1H", "2H", "T2H", "XPT2H", " PT2H", "PT2H ", "PT1D", "PT1W", "P1H", "P1S", "P1DT1D", "PT1HT1M",
        "PTT1H", "P1TD",
        // Signs, exponents, junk.
        "-PT2H", "PT-2H", "PT+2H", "PT1E3S", "PT1.2.3S", "PT1..5S", "PT1H 30M", "PT2HX", "PT2X", "PT½H",
        "PTINFS", "PTNANS",
    ])
    func rejects(text: String) {
        #expect(ISODuration.seconds(text) == nil)
    }
}
