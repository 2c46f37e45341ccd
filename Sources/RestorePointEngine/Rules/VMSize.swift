/// Reads VM size names (`Standard_D2as_v7`) for the instant access support rule (CONTRACT.md §7 rule 2).
public enum VMSize {
    /// Intel v6 and later (version ≥ 6 without `a` in the feature letters) or AMD v7 and later (`a`, version ≥ 7):
    /// the generations instant access restore points do not support yet.
    public static func isUnsupportedForInstantAccess(_ size: String) -> Bool {
        guard let parsed = parse(size) else { return false }
        return parsed.features.contains("a") ? parsed.version >= 7 : parsed.version >= 6
    }

    /// The feature letters (`as` in `D2as_v7`) and the version (7), or nil for a name without `_vN`.
    static func parse(_ size: String) -> (features: String, version: Int)? {
        var parts = size.split(separator: "_").map(String.init)
        if parts.first?.lowercased() == "standard" || parts.first?.lowercased() == "basic" { parts.removeFirst() }
        guard parts.count >= 2, let versionPart = parts.last, versionPart.lowercased().hasPrefix("v"),
            let version = Int(versionPart.dropFirst())
        else { return nil }
        // Family letters, then vCPUs (optionally "-constrained"), then feature letters: D2as, E4-2ds, M416ms.
        let name = Array(parts[0].lowercased())
        var i = 0
        while i < name.count, name[i].isLetter { i += 1 }
        while i < name.count, name[i].isNumber || name[i] == "-" { i += 1 }
        var features = ""
        while i < name.count, name[i].isLetter {
            features.append(name[i])
            i += 1
        }
        return (features, version)
    }
}
