import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// The stored schedule of a restore point's computed-state changes (`state_changes`): derived once from its facts
/// at creation, so a clock move lists what it caused without scanning every restore point (CONTRACT.md §8.1).
///
/// One stored row per instant: its body is the array of the restore point's changes at that instant, in timeline
/// order. A restore point changes at a few instants (creation end, instant access end, replication reports), and
/// each row costs a primary-key entry and an entry in the index by restore point, so a create writes two or three
/// rows instead of eight (docs/performance.md).
enum Schedule {
    static func changes(for facts: RestorePointFacts, restorePoint: ResourceID) -> [ScheduledChange] {
        // The id and key spelled once, not per change.
        let key = restorePoint.key
        let id = restorePoint.string
        var rows: [ScheduledChange] = []
        var instant: (at: Timestamp, changes: [JSON])?
        for change in RestorePointTimeline(facts).changes {
            if let open = instant, open.at != change.at {
                rows.append(ScheduledChange(resourceKey: key, at: open.at, body: .array(open.changes)))
                instant = nil
            }
            instant = (change.at, (instant?.changes ?? []) + [json(change, restorePointID: id)])
        }
        if let open = instant {
            rows.append(ScheduledChange(resourceKey: key, at: open.at, body: .array(open.changes)))
        }
        return rows
    }

    /// The changes of stored rows, in order: each row's array flattened.
    static func flatten(_ rows: [ScheduledChange]) -> [JSON] {
        rows.flatMap { $0.body.arrayValue ?? [$0.body] }
    }

    /// `{"at","resource","property","from","to","cause"}` (CONTRACT.md §8.1).
    static func json(_ c: StateChange, restorePointID: String) -> JSON {
        let resource: String
        switch c.subject {
        case .restorePoint: resource = restorePointID
        case .diskRestorePoint(let name): resource = restorePointID + "/diskRestorePoints/" + name
        }
        return [
            "at": .string(c.at.iso8601), "resource": .string(resource), "property": .string(c.property),
            "from": .string(c.from), "to": .string(c.to), "cause": .string(c.cause),
        ]
    }
}
