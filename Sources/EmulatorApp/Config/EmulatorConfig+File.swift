import ARMKit
import EmuCore
import RestorePointEngine

extension EmulatorConfig {
    /// Applies a `--config` file: `{"timings": {name: seconds...}, "limits": {name: value...}}`, the names
    /// `GET /_emulator/config` shows. An unknown name is an error that lists the known ones.
    mutating func apply(configFile path: String) throws(ConfigError) {
        guard let bytes = FileBytes.read(path) else { throw ConfigError("--config: cannot read '\(path)'.") }
        let json: JSON
        do { json = try JSONParser.parse(bytes) } catch {
            throw ConfigError("--config '\(path)' is not JSON: \(error).")
        }
        try apply(configDocument: json, source: path)
    }

    mutating func apply(configDocument json: JSON, source: String) throws(ConfigError) {
        guard let root = json.objectValue else { throw ConfigError("--config '\(source)' must be a JSON object.") }
        for (key, _) in root where !["timings", "limits"].contains(key) {
            throw ConfigError("--config '\(source)': unknown section '\(key)'; use timings and limits.")
        }
        for (name, value) in root["timings"]?.objectValue ?? JSONObject() {
            guard let v = value.doubleValue, v >= 0 else {
                throw ConfigError("--config: timings.\(name) must be a number ≥ 0.")
            }
            guard let path = Self.timingPaths[name] else {
                throw ConfigError(
                    "--config: unknown timing '\(name)'. Known: \(Self.timingPaths.keys.sorted().joined(separator: ", "))."
                )
            }
            timings[keyPath: path] = v
        }
        for (name, value) in root["limits"]?.objectValue ?? JSONObject() {
            try applyLimit(name, value)
        }
    }

    static var timingPaths: [String: WritableKeyPath<Timings, Double>] {
        [
            "resourceCreate": \.resourceCreate, "delete": \.delete, "restorePointCreate": \.restorePointCreate,
            "copyMiBps": \.copyMiBps, "copyMinimum": \.copyMinimum, "churnPercentPerHour": \.churnPercentPerHour,
            "crossRegionMiBps": \.crossRegionMiBps, "replicationReportInterval": \.replicationReportInterval,
        ]
    }

    private mutating func applyLimit(_ name: String, _ value: JSON) throws(ConfigError) {
        func count() throws(ConfigError) -> Int {
            guard let n = value.intValue, n >= 0 else {
                throw ConfigError("--config: limits.\(name) must be a whole number ≥ 0.")
            }
            return Int(n)
        }
        switch name {
        case "restorePointCollectionsPerRegion": limits.restorePointCollectionsPerRegion = try count()
        case "concurrentInstantAccess": limits.concurrentInstantAccess = try count()
        case "restorePointsPerVm": limits.restorePointsPerVm = try count()
        case "restoresInFlightPerDisk": limits.restoresInFlightPerDisk = try count()
        case "instantAccessMinutes":
            guard let a = value.arrayValue, a.count == 2, let lo = a[0].intValue, let hi = a[1].intValue, lo <= hi
            else {
                throw ConfigError("--config: limits.instantAccessMinutes is [min, max], e.g. [60, 300].")
            }
            limits.instantAccessMinutes = lo...hi
        case "instantAccessRegions":
            guard let a = value.arrayValue, a.allSatisfy({ $0.stringValue != nil }) else {
                throw ConfigError("--config: limits.instantAccessRegions is a list of region names ([] = all).")
            }
            limits.instantAccessRegions = a.compactMap(\.stringValue)
        default:
            throw ConfigError(
                "--config: unknown limit '\(name)'. Known: concurrentInstantAccess, instantAccessMinutes, instantAccessRegions, "
                    + "restorePointCollectionsPerRegion, restorePointsPerVm, restoresInFlightPerDisk.")
        }
    }
}
