import ARMKit
import EmuCore
import EmuHTTP
import RestorePointEngine

extension EmulatorConfig {
    /// `GET /_emulator/config`: every setting in effect (CONTRACT.md §8.2), no secrets.
    func json(caCertificate: String?) -> JSON {
        func port(_ p: Port) -> JSON {
            if case .number(let n) = p { return .int(Int64(n)) }
            return "off"
        }
        var o = JSONObject()
        o["host"] = .string(host)
        o["httpPort"] = port(httpPort)
        o["httpsPort"] = port(httpsPort)
        o["dataDir"] = .string(dataDirectory)
        o["inMemory"] = .bool(inMemory)
        o["seed"] = seedFile.map(JSON.string) ?? .null
        o["auth"] = .string(auth.rawValue)
        o["logLevel"] = .string(logLevel.name)
        o["pageSize"] = .int(Int64(pageSize))
        o["tlsHostnames"] = .array(tlsHostnames.map(JSON.string))
        o["tlsCertificate"] = tlsCertificate.map(JSON.string) ?? .null
        o["caCertificate"] = caCertificate.map(JSON.string) ?? .null
        o["defaultSubscription"] = .string(defaultSubscription)
        o["tenantId"] = .string(tenantID)
        o["retryAfterSeconds"] = .double(retryAfter)
        o["strictApiVersions"] = .bool(strictAPIVersions)
        o["maxConnections"] = .int(Int64(maxConnections))
        o["eventLoops"] = .int(Int64(eventLoops))
        o["headerTimeoutSeconds"] = .double(headerTimeout)
        o["idleTimeoutSeconds"] = .double(idleTimeout)
        var t = JSONObject()
        for (name, path) in Self.timingPaths.sorted(by: { $0.key < $1.key }) {
            t[name] = .double(timings[keyPath: path])
        }
        o["timings"] = .object(t)
        o["limits"] = [
            "restorePointCollectionsPerRegion": .int(Int64(limits.restorePointCollectionsPerRegion)),
            "concurrentInstantAccess": .int(Int64(limits.concurrentInstantAccess)),
            "restorePointsPerVm": .int(Int64(limits.restorePointsPerVm)),
            "restoresInFlightPerDisk": .int(Int64(limits.restoresInFlightPerDisk)),
            "restorePointPutsPerVmPerHour": limits.restorePointPutsPerVmPerHour.map { .int(Int64($0)) } ?? .null,
            "instantAccessMinutes": [
                .int(limits.instantAccessMinutes.lowerBound), .int(limits.instantAccessMinutes.upperBound),
            ],
            "instantAccessRegions": .array(limits.instantAccessRegions.map(JSON.string)),
        ]
        o["clockScale"] = clockScale.map(JSON.double) ?? .null
        o["clockFrozen"] = clockFrozen.map(JSON.bool) ?? .null
        return .object(o)
    }
}
