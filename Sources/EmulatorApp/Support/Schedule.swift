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
        // The open instant's changes and its time as text, written once for all of them.
        var at = Timestamp(ticks: 0)
        var atText = ""
        var changes: [JSON] = []
        for change in RestorePointTimeline(facts).changes {
            if !changes.isEmpty && change.at != at {
                rows.append(ScheduledChange(resourceKey: key, at: at, body: .array(changes)))
                changes.removeAll()
            }
            if changes.isEmpty {
                at = change.at
                atText = at.iso8601
            }
            changes.append(json(change, restorePointID: id, at: atText))
        }
        if !changes.isEmpty { rows.append(ScheduledChange(resourceKey: key, at: at, body: .array(changes))) }
        return rows
    }

    /// The changes of stored rows, in order: each row's array flattened.
    static func flatten(_ rows: [ScheduledChange]) -> [JSON] {
        rows.flatMap { $0.body.arrayValue ?? [$0.body] }
    }

    /// `{"at","resource","property","from","to","cause"}` (CONTRACT.md §8.1); `at` is `c.at` as text.
    static func json(_ c: StateChange, restorePointID: String, at: String) -> JSON {
        let resource: String
        switch c.subject {
        case .restorePoint: resource = restorePointID
        case .diskRestorePoint(let name): resource = restorePointID + "/diskRestorePoints/" + name
        }
        return [
            "at": .string(at), "resource": .string(resource), "property": .string(c.property),
            "from": .string(c.from), "to": .string(c.to), "cause": .string(c.cause),
        ]
    }
}
