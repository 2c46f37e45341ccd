/// ISO 8601 durations as the clock control takes them (`PT2H`, `P1DT30M`, `PT0.5S`, `P2W`).
/// Years and months are refused: their length depends on the date (CONTRACT.md §8.1 takes plain spans).
public enum ISODuration {
    /// The duration in seconds, or nil when the text is not a supported duration.
    public static func seconds(_ text: String) -> Double? {
        var s = Substring(text.uppercased())
        guard s.first == "P" else { return nil }
        s = s.dropFirst()
        var total = 0.0
        var inTime = false
        var number = ""
        var sawComponent = false
        var sawTimeComponent = false
        for ch in s {
            switch ch {
            case "T":
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
            case "0"..."9", ".", ",":
                number.append(ch == "," ? "." : ch)
            case "W", "D", "H", "M", "S":
                guard let v = Double(number) else { return nil }
                number = ""
                sawComponent = true
                if inTime { sawTimeComponent = true }
                switch (ch, inTime) {
                case ("W", false): total += v * 604_800
                case ("D", false): total += v * 86_400
                case ("H", true): total += v * 3600
                case ("M", true): total += v * 60
                case ("S", true): total += v
                default: return nil
                }
            default: return nil
            }
        }
        // ISO 8601: a `T` must be followed by at least one time component (`P1DT` is not a duration).
        guard number.isEmpty, sawComponent, !inTime || sawTimeComponent else { return nil }
        return total
    }
}
