import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// Cross-region copy (CONTRACT.md §5.5): a restore point PUT with `sourceRestorePoint.id` into a collection (in
/// another region) whose source is the source restore point's collection. The copy keeps the source's
/// `timeCreated`, `consistencyMode` and `sourceMetadata`, reads `Succeeded` once the copy starts, and its disk
/// restore points replicate: Pending until done, then Available. No instant access on copies.
extension RestorePointService {
    func createCopy(_ call: CallContext, rpID: ResourceID, sourceRestorePointID: String) throws(ARMError) -> ARMResponse
    {
        let now = app.clock.now()
        let target = "properties.sourceRestorePoint.id"
        return try app.db.write { tx throws(ARMError) in
            try app.requireResourceGroup(
                tx, subscription: rpID.subscription, name: rpID.resourceGroup ?? "", now: now)
            guard let rpcID = rpID.parent, let (rpcRecord, rpc) = try app.live(tx, rpcID, now: now),
                rpc.provisioning.deleteAt == nil
            else { throw app.notFound(rpID.parent ?? rpID) }
            if try app.live(tx, rpID, now: now) != nil {
                throw .operationNotAllowed("Updating properties of an existing restore point is not allowed.")
            }
            let collectionSource = rpc.properties["source"]?["id"]?.stringValue ?? ""
            guard let sourceID = ResourceID.parse(sourceRestorePointID), sourceID.steps.count == 2,
                let sourceRPC = sourceID.parent, sourceRPC.key == collectionSource.lowercased()
            else {
                throw .invalidParameter(
                    "sourceRestorePoint.id must be a restore point of '\(collectionSource)', the source of this collection.",
                    target: target)
            }
            guard let (sourceRecord, source) = try app.live(tx, sourceID, now: now),
                source.provisioning.deleteAt == nil,
                let sourceFacts = RestorePointFacts(json: source.internalFacts["facts"] ?? .null),
                let (sourceRPCRecord, _) = try app.live(tx, sourceRPC, now: now)
            else {
                throw .invalidParameter("The restore point '\(sourceRestorePointID)' was not found.", target: target)
            }
            let from = sourceRPCRecord.location ?? ""
            let to = rpcRecord.location ?? ""
            try checkCopy(
                tx, source: (sourceRecord, source, sourceFacts), sourceRPC: sourceRPC, from: from, to: to,
                targetRPC: rpcID, now: now)

            let timings = app.config.timings
            let disks = sourceFacts.disks.map { d in
                DiskRestorePointFacts(
                    name: "\(d.sourceDiskName)_\(GUID.make())",
                    sourceResourceID: sourceID.child(type: "diskRestorePoints", name: d.name).string,
                    sourceDiskName: d.sourceDiskName, sourceUniqueID: d.sourceUniqueID, sku: d.sku,
                    diskSizeGB: d.diskSizeGB,
                    sizeBytes: d.sizeBytes, familyID: d.familyID, osType: d.osType, isOSDisk: d.isOSDisk, lun: d.lun,
                    logicalSectorSize: d.logicalSectorSize, copySeconds: 0, instantAccess: false,
                    replication: .init(
                        sourceLocation: from,
                        seconds: SnapshotLineage.replicationSeconds(bytes: d.sizeBytes, timings: timings),
                        reportInterval: timings.replicationReportInterval),
                    reportInterval: timings.replicationReportInterval)
            }
            let facts = RestorePointFacts(
                startedAt: now, timeCreated: sourceFacts.timeCreated, createSeconds: 0,
                instantAccessMinutes: sourceFacts.instantAccessMinutes, collectionInstantAccess: false, disks: disks)
            let sourceDoc = render(source, id: sourceID, at: now, call: call, expand: false)?["properties"]
            var props = JSONObject()
            props["sourceRestorePoint"] = ["id": .string(sourceRecord.id)]
            props["sourceMetadata"] = source.properties["sourceMetadata"]
            props["consistencyMode"] = sourceDoc?["consistencyMode"]
            var arm = JSONObject()
            arm["name"] = .string(rpID.name)
            arm["id"] = .string(rpID.string)
            arm["properties"] = .object(props)
            var internalFacts = JSONObject()
            internalFacts["facts"] = facts.json
            internalFacts["copyOf"] = .string(sourceID.key)
            internalFacts["osType"] = source.internalFacts["osType"]
            let stored = StoredResource(
                arm: arm, provisioning: Provisioning(phase: .creating, readyAt: now), internalFacts: internalFacts)
            try app.store(
                tx.upsert(app.record(rpID, type: Self.type, location: nil, createdAt: now, now: now, body: stored)))
            // Copies do not count as restore points of the VM (rules 8–10): their own key stands in for the VM.
            try app.store(
                tx.upsert(
                    RestorePointIndexRecord(
                        key: rpID.key, vmKey: "copy:\(rpID.key)", subscription: rpID.subscription.lowercased(),
                        location: CollectionRules.normalize(to), instantAccess: false, creationEnd: now)))
            try app.store(tx.insert(Schedule.changes(for: facts, restorePoint: rpID)))
            let headers = try app.startOperation(
                tx, call, kind: "restorePoints.put", resource: rpID, location: to, start: now, end: now)
            return ARMResponse(
                status: 201, body: render(stored, id: rpID, at: now, call: call, expand: false), headers: headers)
        }
    }

    /// The refusals of CONTRACT.md §5.5, each 409 `OperationNotAllowed`.
    private func checkCopy(
        _ tx: ReadTransaction, source: (ResourceRecord, StoredResource, RestorePointFacts), sourceRPC: ResourceID,
        from: String, to: String, targetRPC: ResourceID, now: Timestamp
    ) throws(ARMError) {
        let (record, stored, facts) = source
        if CollectionRules.normalize(from) == CollectionRules.normalize(to) {
            throw .operationNotAllowed(
                "Restore point '\(record.name)' is already in region '\(from)': a copy must go to another region.")
        }
        if stored.internalFacts["copyOf"] != nil {
            throw .operationNotAllowed("Restore point '\(record.name)' is itself a copy; copy its original instead.")
        }
        let state = RestorePointTimeline(facts).aggregate(at: now)
        let disks =
            facts.hasSucceeded(at: now) ? RestorePointTimeline(facts).disks.map { $0.state(at: now) } : [.pending]
        if let blocked = disks.first(where: { !$0.allowsCopy }) {
            throw .operationNotAllowed(
                "Restore point '\(record.name)' cannot be copied yet: a disk restore point is \(blocked.rawValue) "
                    + "(instantAccessStatus \(state.rawValue)); copy is allowed in AvailableWithInstantAccess and Available."
            )
        }
        // Existing copies of restore points of the same source collection, in the target region.
        for copy in try copies(tx, of: sourceRPC, in: to, now: now) {
            if copy.copyOf == record.key {
                throw .operationNotAllowed(
                    "Restore point '\(record.name)' already has a copy in region '\(to)': '\(copy.id)'.")
            }
            if copy.collection == targetRPC.key, copy.replicating {
                throw .operationNotAllowed(
                    "A copy from '\(sourceRPC.name)' to this collection is still running ('\(copy.id)'); wait for it to finish."
                )
            }
            if copy.collection == targetRPC.key, copy.sourceTimeCreated > facts.timeCreated {
                throw .operationNotAllowed(
                    "Restore point '\(record.name)' is older than '\(copy.id)', already copied to this collection: copies "
                        + "must follow the order of their sources.")
            }
        }
    }

    private struct CopyInfo {
        let id: String
        let collection: String
        let copyOf: String
        let sourceTimeCreated: Timestamp
        let replicating: Bool
    }

    /// Copies of restore points of `sourceRPC` in collections of region `location` (collections whose source is it).
    private func copies(_ tx: ReadTransaction, of sourceRPC: ResourceID, in location: String, now: Timestamp)
        throws(ARMError) -> [CopyInfo]
    {
        let collections = try app.store(
            tx.resources(
                type: ResourceType.key(ResourceType.collection), subscription: sourceRPC.subscription.lowercased(),
                after: nil, limit: .max))
        var out: [CopyInfo] = []
        for c in collections
        where c.stored?.properties["source"]?["id"]?.stringValue?.lowercased() == sourceRPC.key
            && CollectionRules.normalize(c.location ?? "") == CollectionRules.normalize(location)
        {
            let points = try app.store(
                tx.resources(type: ResourceType.key(Self.type), parentKey: c.key, after: nil, limit: .max))
            for p in points {
                guard let s = p.stored, s.provisioning.exists(at: now), let of = s.internalFacts["copyOf"]?.stringValue,
                    let f = RestorePointFacts(json: s.internalFacts["facts"] ?? .null)
                else { continue }
                out.append(
                    CopyInfo(
                        id: p.id, collection: c.key, copyOf: of, sourceTimeCreated: f.timeCreated,
                        replicating: RestorePointTimeline(f).isReplicating(at: now)))
            }
        }
        return out
    }
}
