import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

extension RestorePointService {
    func get(
        _ call: CallContext, subscription: String, resourceGroup: String, collection: String, name: String,
        expand: String?
    )
        throws(ARMError) -> ARMResponse
    {
        var instanceView = false
        if let expand {
            guard expand.lowercased() == "instanceview" else {
                throw .invalidParameter(
                    "The value '\(expand)' of $expand is not supported. The only value is 'instanceView'.",
                    target: "$expand")
            }
            instanceView = true
        }
        let rpID = id(subscription, resourceGroup, collection, name)
        return try app.keptRender(
            rpID, key: RenderCache.Key(id: rpID.string, apiVersion: call.apiVersion.served, expand: instanceView),
            missing: { (tx, now) throws(ARMError) -> ARMError in
                // A restore point's row lives only while its group and collection do (deleting either removes the
                // rows under it in the same transaction, docs/architecture.md), so a live restore point is answered
                // without reading them; a missing one reads them for the error CONTRACT.md §7 puts first.
                try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
                guard let rpcID = rpID.parent, try app.liveBody(tx, rpcID, now: now) != nil else {
                    return app.notFound(rpID.parent ?? rpID)
                }
                return app.notFound(rpID)
            },
            render: { stored, now in render(stored, id: rpID, at: now, call: call, expand: instanceView) },
            nextChange: Self.nextChange(of:after:))
    }

    /// The first instant after `now` at which `render` of `stored` may read differently: the next state change
    /// of its timeline, or the end of its delete; nil when neither comes.
    static func nextChange(of stored: StoredResource, after now: Timestamp) -> Timestamp? {
        var next = (stored.internalFacts["facts"].flatMap(RestorePointFacts.init(json:))).flatMap {
            RestorePointTimeline($0).nextChange(after: now)
        }
        if let end = stored.provisioning.deleteAt, end > now { next = min(next ?? end, end) }
        return next
    }

    /// The restore points of a collection, for `$expand=restorePoints` (CONTRACT.md §2).
    func list(_ tx: ReadTransaction, collection: ResourceID, at now: Timestamp, call: CallContext) throws(ARMError)
        -> [JSON]
    {
        try app.store(
            tx.resources(type: ResourceType.key(Self.type), parentKey: collection.key, after: nil, limit: .max)
        )
        .compactMap { r in
            r.stored.flatMap {
                render($0, id: ResourceID.parse(r.id) ?? collection, at: now, call: call, expand: false)
            }
        }
    }

    func delete(_ call: CallContext, subscription: String, resourceGroup: String, collection: String, name: String)
        throws(ARMError) -> ARMResponse
    {
        let now = app.clock.now()
        let rpID = id(subscription, resourceGroup, collection, name)
        return try app.db.write { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            guard let (record, existing) = try app.live(tx, rpID, now: now) else { return ARMResponse(status: 204) }
            if existing.provisioning.deleteAt == nil {
                try AccessService(app: app).refuseDeleteWhileShared(tx, rpID: rpID, stored: existing, now: now)
                if let facts = RestorePointFacts(json: existing.internalFacts["facts"] ?? .null),
                    facts.hasSucceeded(at: now)
                {
                    try foldLineages(
                        tx, deleted: facts, deletedKey: rpID.key,
                        vmKey: existing.internalFacts["vmKey"]?.stringValue ?? "", now: now)
                }
            }
            let deleteAt = try app.markDeleting(tx, record, existing, now: now)
            // Its scheduled changes and its place in the creation counts go now: it no longer changes state.
            _ = try app.store(tx.deleteRestorePointIndex(key: rpID.key))
            let headers = try app.startOperation(
                tx, call, kind: "restorePoints.delete", resource: rpID,
                location: try rpcLocation(tx, rpID, now: now), start: now, end: deleteAt)
            return ARMResponse(status: 202, headers: headers)
        }
    }

    private func rpcLocation(_ tx: ReadTransaction, _ rpID: ResourceID, now: Timestamp) throws(ARMError) -> String {
        guard let parent = rpID.parent, let (record, _) = try app.live(tx, parent, now: now) else { return "" }
        return record.location ?? ""
    }

    /// The restore point as the served api-version shows it at `now` (CONTRACT.md §4.3).
    func render(_ stored: StoredResource, id: ResourceID, at now: Timestamp, call: CallContext, expand: Bool) -> JSON? {
        guard stored.provisioning.exists(at: now),
            let facts = RestorePointFacts(json: stored.internalFacts["facts"] ?? .null)
        else { return nil }
        let hasIA = call.apiVersion.isAtLeast(RestorePointRules.instantAccessAPIVersion)
        let timeline = RestorePointTimeline(facts)
        let succeeded = facts.hasSucceeded(at: now)
        let drpID = Self.diskRestorePointIDs(of: id)
        var doc = stored.arm
        var props = stored.properties
        if succeeded, var meta = props["sourceMetadata"]?.objectValue {
            meta["storageProfile"] = .object(
                withDiskRestorePoints(
                    meta["storageProfile"]?.objectValue ?? JSONObject(), facts, drpID,
                    isCopy: stored.internalFacts["copyOf"] != nil))
            props["sourceMetadata"] = .object(meta)
        }
        props["provisioningState"] = .string(
            stored.provisioning.deleteAt != nil ? "Deleting" : facts.provisioningState(at: now))
        if succeeded, props["consistencyMode"] == nil {
            props["consistencyMode"] =
                stored.internalFacts["osType"]?.stringValue == "Windows"
                ? "ApplicationConsistent" : "FileSystemConsistent"
        }
        props["timeCreated"] = .string(facts.timeCreated.iso8601)
        if !hasIA { props["instantAccessDurationMinutes"] = nil }
        if hasIA, facts.collectionInstantAccess {
            props["instantAccessStatus"] = .string(timeline.aggregate(at: now).rawValue)
        }
        if expand { props["instanceView"] = instanceView(timeline, drpID: drpID, at: now, hasIA: hasIA) }
        doc["properties"] = .object(props)
        return .object(doc)
    }

    /// The ids of a restore point's disk restore points by name: `id.child(type:name:).string`, with the restore
    /// point's own id text built once per render instead of once per disk.
    static func diskRestorePointIDs(of id: ResourceID) -> (String) -> String {
        guard id.namespace != nil else { return { id.child(type: "diskRestorePoints", name: $0).string } }
        let prefix = id.string + "/diskRestorePoints/"
        return { prefix + $0 }
    }

    /// Each included disk gains `diskRestorePoint: {id, encryption}` once the RP succeeded (CONTRACT.md §4.3).
    private func withDiskRestorePoints(
        _ storage: JSONObject, _ facts: RestorePointFacts, _ drpID: (String) -> String, isCopy: Bool
    ) -> JSONObject {
        func attach(_ entry: JSONObject) -> JSONObject {
            let diskName = entry["name"]?.stringValue?.lowercased()
            guard let drp = facts.disks.first(where: { $0.sourceDiskName.lowercased() == diskName }) else {
                return entry
            }
            var out = entry
            // A copy's disks also name the disk restore point they were copied from (CONTRACT.md §5.5).
            var reference: JSONObject = [
                "id": .string(drpID(drp.name)),
                "encryption": ["type": "EncryptionAtRestWithPlatformKey"],
            ]
            if isCopy { reference["sourceDiskRestorePoint"] = ["id": .string(drp.sourceResourceID)] }
            out["diskRestorePoint"] = .object(reference)
            return out
        }
        var out = storage
        if let os = storage["osDisk"]?.objectValue { out["osDisk"] = .object(attach(os)) }
        out["dataDisks"] = .array(
            (storage["dataDisks"]?.arrayValue ?? []).map { $0.objectValue.map { .object(attach($0)) } ?? $0 })
        return out
    }

    /// `instanceView`: the disks whose state hangs on a copy or a replication, and the RP-wide status (§4.3).
    private func instanceView(
        _ timeline: RestorePointTimeline, drpID: (String) -> String, at now: Timestamp, hasIA: Bool
    ) -> JSON {
        guard timeline.facts.hasSucceeded(at: now) else { return ["diskRestorePoints": [], "statuses": []] }
        let disks: [JSON] = timeline.disks.filter(\.disk.isTracked).map { d in
            var o = JSONObject()
            o["id"] = .string(drpID(d.disk.name))
            if hasIA { o["snapshotAccessState"] = .string(d.state(at: now).rawValue) }
            let r = d.replication(at: now)
            o["replicationStatus"] = [
                "status": Self.replicationStatus(r.replicating), "completionPercent": .int(Int64(r.percent)),
            ]
            return .object(o)
        }
        return [
            "diskRestorePoints": .array(disks), "statuses": [Self.replicationStatus(timeline.isReplicating(at: now))],
        ]
    }

    static func replicationStatus(_ replicating: Bool) -> JSON {
        replicating
            ? ["code": "ReplicationState/replicating", "level": "Info", "displayStatus": "Replicating"]
            : ["code": "ReplicationState/succeeded", "level": "Info", "displayStatus": "Succeeded"]
    }
}
