import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// A disk restore point found in the store, for the actions its state gates (CONTRACT.md §5.2–§5.4).
struct ResolvedDiskRestorePoint {
    /// The DRP's id with the case it was created with.
    let id: ResourceID
    let restorePointID: ResourceID
    let disk: DiskRestorePointFacts
    let point: RestorePointFacts
    /// The collection's location: where the operations of its actions live.
    let location: String

    /// Its `snapshotAccessState` at `now` (Pending while its restore point is still being created).
    func state(at now: Timestamp) -> SnapshotAccessState {
        DiskRestorePointTimeline(disk: disk, point: point).state(at: now)
    }
}

extension DiskRestorePointService {
    /// The disk restore point `name` of the restore point `rpID`: its collection and restore point live, the restore
    /// point not being deleted and not failed. A restore point still `Creating` already knows its disks (they read
    /// Pending), so an action on one is refused for its state rather than for a missing resource.
    func resolve(_ tx: ReadTransaction, rpID: ResourceID, name: String, now: Timestamp) throws(ARMError)
        -> ResolvedDiskRestorePoint?
    {
        guard let rpcID = rpID.parent, let (rpcRecord, _) = try app.live(tx, rpcID, now: now),
            let (rpRecord, stored) = try app.live(tx, rpID, now: now), stored.provisioning.deleteAt == nil,
            let facts = RestorePointFacts(json: stored.internalFacts["facts"] ?? .null), facts.failure == nil,
            let disk = facts.disks.first(where: { $0.name.lowercased() == name.lowercased() })
        else { return nil }
        let shownRP = ResourceID.parse(rpRecord.id) ?? rpID
        return ResolvedDiskRestorePoint(
            id: shownRP.child(type: "diskRestorePoints", name: disk.name), restorePointID: shownRP, disk: disk,
            point: facts, location: rpcRecord.location ?? "")
    }

    /// The disk restore point an ARM id names (`.../restorePoints/{rp}/diskRestorePoints/{drp}`), or nil.
    func resolve(_ tx: ReadTransaction, id text: String, now: Timestamp) throws(ARMError) -> ResolvedDiskRestorePoint? {
        guard let id = ResourceID.parse(text), id.namespace?.lowercased() == "microsoft.compute",
            id.steps.map({ $0.type.lowercased() }) == [
                "restorepointcollections", "restorepoints", "diskrestorepoints",
            ],
            let rpID = id.parent
        else { return nil }
        return try resolve(tx, rpID: rpID, name: id.name, now: now)
    }
}
