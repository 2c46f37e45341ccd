import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// Restore points (CONTRACT.md §4.3, §5, §7): PUT 201 `Creating` + LRO, then `Succeeded` after
/// `timings.restorePointCreate`; GET with `$expand=instanceView`; DELETE 202. Their disk restore points are facts
/// inside the restore point (`RestorePointFacts`), shown through `DiskRestorePointService`.
struct RestorePointService: Sendable {
    let app: AppContext

    static let type = "Microsoft.Compute/restorePointCollections/restorePoints"

    func id(_ sub: String, _ rg: String, _ collection: String, _ name: String) -> ResourceID {
        CollectionService(app: app).id(sub, rg, collection).child(type: "restorePoints", name: name)
    }

    func create(
        _ call: CallContext, subscription: String, resourceGroup: String, collection: String, name: String,
        body: ARMBody
    )
        throws(ARMError) -> ARMResponse
    {
        try ResourceName.validate(name, type: Self.type)
        let hasIA = call.apiVersion.isAtLeast(RestorePointRules.instantAccessAPIVersion)
        let excludes = try (body.array("properties.excludeDisks") ?? []).enumerated().map {
            (i, e) throws(ARMError) -> String in
            guard let id = e["id"]?.stringValue else {
                throw .invalidParameter("excludeDisks[\(i)] needs an 'id'.", target: "excludeDisks")
            }
            return id
        }
        let consistency = try body.string("properties.consistencyMode")
        let minutes = hasIA ? try body.int("properties.instantAccessDurationMinutes") : nil
        if let source = try body.string("properties.sourceRestorePoint.id") {
            return try createCopy(
                call, rpID: id(subscription, resourceGroup, collection, name), sourceRestorePointID: source)
        }
        let now = app.clock.now()
        let rpID = id(subscription, resourceGroup, collection, name)
        return try app.db.write { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            guard let rpcID = rpID.parent, let (rpcRecord, rpc) = try app.live(tx, rpcID, now: now),
                rpc.provisioning.deleteAt == nil
            else { throw app.notFound(rpID.parent ?? rpID) }
            if try app.live(tx, rpID, now: now) != nil {
                throw .operationNotAllowed("Updating properties of an existing restore point is not allowed.")
            }
            let collectionIA = rpc.properties["instantAccess"]?.boolValue ?? false
            let sourceID = rpc.properties["source"]?["id"]?.stringValue ?? ""
            if ResourceID.parse(sourceID)?.steps.last?.type.lowercased() == "restorepointcollections" {
                throw .invalidParameter(
                    "This collection is a cross-region copy target: give properties.sourceRestorePoint.id, the restore "
                        + "point of '\(sourceID)' to copy.", target: "properties.sourceRestorePoint.id")
            }
            let source = try SourceSnapshot.load(app, tx, vmID: sourceID, now: now)
            let vmKey = sourceID.lowercased()
            let location = CollectionRules.normalize(rpcRecord.location ?? "")
            let request = RestorePointRequest(
                hasInstantAccessAPI: hasIA, collectionInstantAccess: collectionIA, location: rpcRecord.location ?? "",
                vm: source?.vm, excludeDiskIDs: excludes, instantAccessMinutes: minutes, consistencyMode: consistency,
                creatingOnVM: try app.store(tx.countCreatingRestorePoints(vmKey: vmKey, now: now)),
                instantAccessCreatingInRegion: try app.store(
                    tx.countCreatingInstantAccess(subscription: subscription.lowercased(), location: location, now: now)
                ),
                pointsOnVM: try app.store(tx.countRestorePoints(vmKey: vmKey)))
            let included = try engine { () throws(EngineError) in
                try RestorePointRules.check(request, limits: app.config.limits)
            }
            if app.config.limits.restorePointPutsPerVmPerHour != nil {
                let starts = try lineageMembers(tx, vmKey: vmKey, excluding: rpID.key, now: now)
                    .map(\.facts.startedAt).filter { now.seconds(since: $0) < 3600 }
                try engine { () throws(EngineError) in
                    try Throttle.check(
                        recent: starts.count, oldestAge: starts.min().map { now.seconds(since: $0) },
                        limits: app.config.limits)
                }
            }
            guard let source else { throw .operationNotAllowed("The source VM no longer exists.") }
            var facts = try snapshot(
                tx, source: source, included: included, collectionIA: collectionIA,
                collectionLocation: rpcRecord.location ?? "",
                minutes: minutes, now: now)
            facts.failure = try app.faults.operationFailure(
                tx, operation: FaultOperation.restorePointCreate, resource: rpID)

            var props = JSONObject()
            if !excludes.isEmpty { props["excludeDisks"] = .array(excludes.map { ["id": .string($0)] }) }
            props["sourceMetadata"] = .object(source.sourceMetadata(included: included))
            if consistency != nil { props["consistencyMode"] = "CrashConsistent" }
            if let minutes { props["instantAccessDurationMinutes"] = .int(minutes) }
            var arm = JSONObject()
            arm["name"] = .string(name)
            arm["id"] = .string(rpID.string)
            arm["properties"] = .object(props)
            var internalFacts = JSONObject()
            internalFacts["facts"] = facts.json
            internalFacts["vmKey"] = .string(vmKey)
            internalFacts["osType"] = .string(source.osType)
            let stored = StoredResource(
                arm: arm, provisioning: Provisioning(phase: .creating, readyAt: facts.creationEnd),
                internalFacts: internalFacts)
            try app.store(
                tx.upsert(app.record(rpID, type: Self.type, location: nil, createdAt: now, now: now, body: stored)))
            try app.store(
                tx.upsert(
                    RestorePointIndexRecord(
                        key: rpID.key, vmKey: vmKey, subscription: subscription.lowercased(), location: location,
                        instantAccess: collectionIA && facts.disks.contains { $0.instantAccess },
                        creationEnd: facts.creationEnd)))
            try app.store(tx.insert(Schedule.changes(for: facts, restorePoint: rpID)))
            let headers = try app.startOperation(
                tx, call, kind: "restorePoints.put", resource: rpID, location: rpcRecord.location ?? "", start: now,
                end: facts.creationEnd,
                failure: facts.failure.map { ARMError(status: 400, code: $0.code, message: $0.message) })
            return ARMResponse(
                status: 201, body: render(stored, id: rpID, at: now, call: call, expand: false), headers: headers)
        }
    }

    /// Takes the snapshots: one disk restore point per included managed disk, sized from its lineage (§6), and
    /// advances each lineage.
    private func snapshot(
        _ tx: WriteTransaction, source: SourceSnapshot, included: [SourceDisk], collectionIA: Bool,
        collectionLocation: String,
        minutes: Int64?, now: Timestamp
    ) throws(ARMError) -> RestorePointFacts {
        let timings = app.config.timings
        let crossRegion = CollectionRules.normalize(collectionLocation) != CollectionRules.normalize(source.location)
        var disks: [DiskRestorePointFacts] = []
        for disk in included {
            guard let sku = disk.sku, let (record, stored) = source.disks[disk.id.lowercased()] else { continue }
            let sizeGB = stored.properties["diskSizeGB"]?.intValue ?? 0
            let diskBytes = sizeGB * SnapshotLineage.gibibyte
            let lineage =
                SnapshotLineage(json: stored.internalFacts["lineage"]) ?? SnapshotLineage(familyID: GUID.make())
            let bytes = lineage.nextSnapshotBytes(
                diskBytes: diskBytes, usedBytes: stored.internalFacts["usedBytes"]?.intValue, at: now,
                churnPercentPerHour: timings.churnPercentPerHour)
            var updated = stored
            updated.internalFacts["lineage"] = lineage.afterSnapshot(at: now).json
            try app.save(tx, record, updated, now: now)
            disks.append(
                DiskRestorePointFacts(
                    name: "\(record.name)_\(GUID.make())", sourceResourceID: record.id, sourceDiskName: record.name,
                    sourceUniqueID: stored.properties["uniqueId"]?.stringValue ?? "", sku: sku, diskSizeGB: sizeGB,
                    sizeBytes: bytes, familyID: lineage.familyID, osType: disk.isOSDisk ? source.osType : nil,
                    isOSDisk: disk.isOSDisk, lun: disk.lun,
                    logicalSectorSize: stored.properties["logicalSectorSize"]?.intValue,
                    copySeconds: sku.isInstantAccessCapable
                        ? SnapshotLineage.copySeconds(bytes: bytes, timings: timings) : 0,
                    instantAccess: collectionIA && sku.isInstantAccessCapable && !crossRegion,
                    replication: crossRegion
                        ? .init(
                            sourceLocation: source.location,
                            seconds: SnapshotLineage.replicationSeconds(bytes: bytes, timings: timings),
                            reportInterval: timings.replicationReportInterval) : nil,
                    reportInterval: timings.replicationReportInterval))
        }
        return RestorePointFacts(
            startedAt: now, timeCreated: now, createSeconds: timings.restorePointCreate,
            instantAccessMinutes: minutes ?? 300,
            collectionInstantAccess: collectionIA, disks: disks)
    }
}
