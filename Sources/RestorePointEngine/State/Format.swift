/// Human-readable sizes and durations for timeline causes and error messages.
public enum Format {
    /// `12.0 GiB`, `512.0 MiB`.
    public static func gibibytes(_ bytes: Int64) -> String {
        let gib = Double(bytes) / 1_073_741_824
        if gib >= 1 { return "\(oneDecimal(gib)) GiB" }
        return "\(oneDecimal(Double(bytes) / 1_048_576)) MiB"
    }

    /// `15 s`, `2 min 5 s`, `2 h 55 min`.
    public static func seconds(_ s: Double) -> String {
        let total = Int(s.rounded())
        if total < 60 { return "\(total) s" }
        if total < 3600 { return total % 60 == 0 ? "\(total / 60) min" : "\(total / 60) min \(total % 60) s" }
        return "\(total / 3600) h \(total / 60 % 60) min"
    }

    static func oneDecimal(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
