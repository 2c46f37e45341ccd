import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// Disk restore points (CONTRACT.md §4.4), served on DiskRP api-versions: GET and a paged list. They exist once
/// their restore point succeeded, and are facts inside it.
struct DiskRestorePointService: Sendable {
    let app: AppContext

    static let type = "Microsoft.Compute/restorePointCollections/restorePoints/diskRestorePoints"
    /// `snapshotAccessState` appears on DiskRP api-versions from 2026-03-02 (CONTRACT.md §2).
    static let accessStateVersion = "2026-03-02"

    /// The restore point's facts once it succeeded, with its id.
    private func facts(_ tx: ReadTransaction, _ rpID: ResourceID, now: Timestamp) throws(ARMError) -> RestorePointFacts
    {
        guard let rpcID = rpID.parent, try app.live(tx, rpcID, now: now) != nil else {
            throw app.notFound(rpID.parent ?? rpID)
        }
        guard let (_, stored) = try app.live(tx, rpID, now: now), stored.provisioning.deleteAt == nil,
            let facts = RestorePointFacts(json: stored.internalFacts["facts"] ?? .null)
        else { throw app.notFound(rpID) }
        return facts
    }

    func list(_ request: ARMRequest, rpID: ResourceID) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        let page = try Page.request(request, size: app.config.pageSize)
        let call = CallContext(request)
        return try app.db.read { tx throws(ARMError) in
            try app.requireResourceGroup(
                tx, subscription: rpID.subscription, name: rpID.resourceGroup ?? "", now: now)
            let f = try facts(tx, rpID, now: now)
            guard f.hasSucceeded(at: now) else {
                return Page.response(request, items: [], lastKey: nil, hasMore: false)
            }
            let after = page.after?.lowercased()
            let disks = f.disks.sorted { $0.name.lowercased() < $1.name.lowercased() }
                .filter { after == nil || $0.name.lowercased() > after! }
            let shown = disks.prefix(page.size)
            return Page.response(
                request, items: shown.map { render($0, facts: f, rpID: rpID, at: now, call: call) },
                lastKey: shown.last?.name.lowercased(), hasMore: disks.count > page.size)
        }
    }

    func get(_ call: CallContext, rpID: ResourceID, name: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        return try app.db.read { tx throws(ARMError) in
            try app.requireResourceGroup(
                tx, subscription: rpID.subscription, name: rpID.resourceGroup ?? "", now: now)
            let f = try facts(tx, rpID, now: now)
            let drpID = rpID.child(type: "diskRestorePoints", name: name)
            guard f.hasSucceeded(at: now),
                let disk = f.disks.first(where: { $0.name.lowercased() == name.lowercased() })
            else {
                throw app.notFound(drpID)
            }
            return ARMResponse(status: 200, body: render(disk, facts: f, rpID: rpID, at: now, call: call))
        }
    }

    /// The DRP document (CONTRACT.md §4.4).
    func render(
        _ disk: DiskRestorePointFacts, facts: RestorePointFacts, rpID: ResourceID, at now: Timestamp, call: CallContext
    )
        -> JSON
    {
        let timeline = DiskRestorePointTimeline(disk: disk, point: facts)
        let replication = timeline.replication(at: now)
        var p = JSONObject()
        p["timeCreated"] = .string(facts.timeCreated.iso8601)
        p["sourceResourceId"] = .string(disk.sourceResourceID)
        if let os = disk.osType { p["osType"] = .string(os) }
        p["familyId"] = .string(disk.familyID)
        p["sourceUniqueId"] = .string(disk.sourceUniqueID)
        p["encryption"] = ["type": "EncryptionAtRestWithPlatformKey"]
        p["supportsHibernation"] = false
        p["networkAccessPolicy"] = "AllowAll"
        p["publicNetworkAccess"] = "Enabled"
        if let sector = disk.logicalSectorSize { p["logicalSectorSize"] = .int(sector) }
        p["completionPercent"] = .int(Int64(replication.percent))
        p["replicationState"] = replication.replicating ? "Replicating" : "Succeeded"
        if let r = disk.replication { p["sourceResourceLocation"] = .string(r.sourceLocation) }
        if call.apiVersion.isAtLeast(Self.accessStateVersion) {
            p["snapshotAccessState"] = .string(timeline.state(at: now).rawValue)
        }
        return [
            "name": .string(disk.name), "id": .string(rpID.child(type: "diskRestorePoints", name: disk.name).string),
            "type": .string(Self.type), "properties": .object(p),
        ]
    }
}
