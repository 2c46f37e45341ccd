import EmuCore
import EmulatorStore
import RestorePointEngine

/// How a resource body is kept in the store: the ARM document without computed values, its provisioning
/// facts, and internal facts that are never shown (`{"arm":…, "provisioning":…, "internal":…}`).
///
/// Computed values (`provisioningState`) are derived at read time from the facts and the emulated now
/// (CONTRACT.md §5), so a read, a restart and a clock move always agree.
struct StoredResource: Sendable, Equatable {
    var arm: JSONObject
    var provisioning: Provisioning
    var internalFacts: JSONObject

    init(arm: JSONObject, provisioning: Provisioning, internalFacts: JSONObject = JSONObject()) {
        self.arm = arm
        self.provisioning = provisioning
        self.internalFacts = internalFacts
    }

    init?(_ body: JSON) {
        guard let arm = body["arm"]?.objectValue, let p = body["provisioning"]?.objectValue,
            let ready = p["readyAt"]?.intValue
        else { return nil }
        self.arm = arm
        provisioning = Provisioning(
            phase: p["phase"]?.stringValue == "Updating" ? .updating : .creating, readyAt: Timestamp(ticks: ready),
            deleteAt: p["deleteAt"]?.intValue.map { Timestamp(ticks: $0) })
        internalFacts = body["internal"]?.objectValue ?? JSONObject()
    }

    var json: JSON {
        var p = JSONObject()
        p["phase"] = .string(provisioning.phase.rawValue)
        p["readyAt"] = .int(provisioning.readyAt.ticks)
        if let d = provisioning.deleteAt { p["deleteAt"] = .int(d.ticks) }
        return ["arm": .object(arm), "provisioning": .object(p), "internal": .object(internalFacts)]
    }

    /// The ARM document at `now`, with `properties.provisioningState`; nil once deleted.
    func rendered(at now: Timestamp) -> JSONObject? {
        guard let state = provisioning.state(at: now) else { return nil }
        var doc = arm
        var props = doc["properties"]?.objectValue ?? JSONObject()
        props["provisioningState"] = .string(state)
        doc["properties"] = .object(props)
        return doc
    }

    var properties: JSONObject { arm["properties"]?.objectValue ?? JSONObject() }
}

extension ResourceRecord {
    /// The decoded body, or nil when the record is not a resource body this build wrote.
    var stored: StoredResource? { StoredResource(body) }
}
