import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// `Restore` from a disk restore point (CONTRACT.md §5.3): what the store knows, handed to the pure `DiskPlanner`.
extension DiskService {
    /// A restored disk's internal fact: the lineage (`familyId`) of the source disk, which counts its restores in
    /// flight.
    static let restoreFamilyKey = "restoreFamily"

    /// The source of a `Restore` create, with the lineage to record on the new disk; nil when the body is not a
    /// `Restore` or its `sourceResourceId` names no disk restore point (the planner then refuses it).
    func restoreSource(_ tx: ReadTransaction, body: ARMBody, diskID: ResourceID, now: Timestamp) throws(ARMError)
        -> (source: RestoreSource, family: String)?
    {
        guard body.value("properties.creationData.createOption")?.stringValue?.lowercased() == "restore",
            let text = body.value("properties.creationData.sourceResourceId")?.stringValue,
            let drp = try DiskRestorePointService(app: app).resolve(tx, id: text, now: now)
        else { return nil }
        let subscriptions = Set([diskID.subscription.lowercased(), drp.id.subscription.lowercased()])
        let inFlight = try restoresInFlight(tx, family: drp.disk.familyID, subscriptions: subscriptions, now: now)
        let source = RestoreSource(
            id: drp.id.string, name: drp.disk.name, sourceDiskName: drp.disk.sourceDiskName, state: drp.state(at: now),
            sku: drp.disk.sku, diskSizeGB: drp.disk.diskSizeGB, osType: drp.disk.osType,
            logicalSectorSize: drp.disk.logicalSectorSize, restoresInFlight: inFlight)
        return (source, drp.disk.familyID)
    }

    /// Disks restored from the lineage `family` whose `Creating` has not ended (and that are not being deleted).
    private func restoresInFlight(_ tx: ReadTransaction, family: String, subscriptions: Set<String>, now: Timestamp)
        throws(ARMError) -> Int
    {
        var count = 0
        for subscription in subscriptions.sorted() {
            let disks = try app.store(
                tx.resources(type: ResourceType.key(ResourceType.disk), subscription: subscription))
            for record in disks {
                guard let stored = record.stored, stored.internalFacts[Self.restoreFamilyKey]?.stringValue == family,
                    stored.provisioning.phase == .creating, stored.provisioning.deleteAt == nil,
                    now < stored.provisioning.readyAt
                else { continue }
                count += 1
            }
        }
        return count
    }
}
