import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// The stored schedule of a restore point's computed-state changes (`state_changes`): derived once from its facts
/// at creation, so a clock move lists what it caused without scanning every restore point (CONTRACT.md §8.1).
enum Schedule {
    static func changes(for facts: RestorePointFacts, restorePoint: ResourceID) -> [ScheduledChange] {
        RestorePointTimeline(facts).changes.map { change in
            ScheduledChange(
                resourceKey: restorePoint.key, at: change.at, body: json(change, restorePoint: restorePoint))
        }
    }

    /// `{"at","resource","property","from","to","cause"}` (CONTRACT.md §8.1).
    static func json(_ c: StateChange, restorePoint: ResourceID) -> JSON {
        let resource: String
        switch c.subject {
        case .restorePoint: resource = restorePoint.string
        case .diskRestorePoint(let name): resource = restorePoint.child(type: "diskRestorePoints", name: name).string
        }
        return [
            "at": .string(c.at.iso8601), "resource": .string(resource), "property": .string(c.property),
            "from": .string(c.from), "to": .string(c.to), "cause": .string(c.cause),
        ]
    }
}
