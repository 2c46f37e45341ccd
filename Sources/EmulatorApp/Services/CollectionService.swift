import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// Restore point collections (CONTRACT.md §4.2): synchronous PUT 201/200 and PATCH 200, GET with
/// `$expand=restorePoints`, paged lists by group and subscription, DELETE 202 taking its restore points along.
struct CollectionService: Sendable {
    let app: AppContext

    /// `instantAccess` exists from CRP 2025-04-01 (CONTRACT.md §2): not shown before, ignored on input.
    static let instantAccessVersion = "2025-04-01"

    func id(_ subscription: String, _ resourceGroup: String, _ name: String) -> ResourceID {
        ResourceID(
            subscription: subscription, resourceGroup: resourceGroup, namespace: "Microsoft.Compute",
            steps: [.init(type: "restorePointCollections", name: name)])
    }

    func createOrUpdate(_ call: CallContext, subscription: String, resourceGroup: String, name: String, body: ARMBody)
        throws(ARMError) -> ARMResponse
    {
        try ResourceName.validate(name, type: ResourceType.collection)
        let now = app.clock.now()
        let rpcID = id(subscription, resourceGroup, name)
        let hasIA = call.apiVersion.isAtLeast(Self.instantAccessVersion)
        return try app.db.write { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            guard let location = try body.string("location"), !location.isEmpty else {
                throw ARMError(.locationRequired)
            }
            let sourceID = try body.string("properties.source.id")
            let instantAccess = hasIA ? try body.bool("properties.instantAccess") : nil
            if let (record, stored) = try app.live(tx, rpcID, now: now) {
                if stored.provisioning.deleteAt != nil {
                    throw .operationNotAllowed(
                        "Restore point collection '\(name)' is being deleted; wait for the delete to finish.")
                }
                try engine { () throws(EngineError) in
                    try CollectionRules.checkUpdate(
                        existingLocation: record.location ?? "",
                        existingSourceID: stored.properties["source"]?["id"]?.stringValue ?? "",
                        newLocation: location, newSourceID: sourceID)
                }
                let updated = try update(
                    tx, record: record, stored: stored, tags: .some(try body.tags()), instantAccess: instantAccess,
                    now: now)
                return ARMResponse(
                    status: 200, body: updated.stored.flatMap { render($0, at: now, call: call, restorePoints: nil) })
            }
            guard let sourceID else {
                throw .invalidParameter(
                    "Required parameter 'source.id' is missing: give the id of the VM to take restore points from.",
                    target: "properties.source.id")
            }
            let source = try resolveSource(tx, sourceID, now: now)
            if ResourceID.parse(source.id)?.steps.last?.type.lowercased() == "restorepointcollections",
                CollectionRules.normalize(source.location) == CollectionRules.normalize(location)
            {
                throw .invalidParameter(
                    "A collection whose source is another collection is a cross-region copy target: it must be in another "
                        + "region than '\(source.location)'.", target: "properties.source.id")
            }
            let count = try app.store(
                tx.countResources(
                    type: ResourceType.key(ResourceType.collection), subscription: subscription.lowercased(),
                    location: location))
            try engine { () throws(EngineError) in
                try CollectionRules.checkCount(count, limits: app.config.limits, location: location)
            }
            var props = JSONObject()
            props["source"] = ["location": .string(source.location), "id": .string(source.id)]
            props["restorePointCollectionId"] = .string(GUID.make())
            props["instantAccess"] = .bool(instantAccess ?? false)
            var arm = JSONObject()
            arm["name"] = .string(name)
            arm["id"] = .string(rpcID.string)
            arm["type"] = .string(ResourceType.collection)
            arm["location"] = .string(location)
            if let tags = try body.tags() { arm["tags"] = .object(tags) }
            arm["properties"] = .object(props)
            let stored = StoredResource(arm: arm, provisioning: Provisioning(phase: .creating, readyAt: now))
            let record = app.record(
                rpcID, type: ResourceType.collection, location: location, createdAt: now, now: now, body: stored)
            try app.store(tx.upsert(record))
            return ARMResponse(status: 201, body: render(stored, at: now, call: call, restorePoints: nil))
        }
    }

    /// PATCH: `tags` and `properties.instantAccess` change; `location` and `source.id` may only repeat.
    func patch(_ call: CallContext, subscription: String, resourceGroup: String, name: String, body: ARMBody)
        throws(ARMError) -> ARMResponse
    {
        let now = app.clock.now()
        let rpcID = id(subscription, resourceGroup, name)
        let hasIA = call.apiVersion.isAtLeast(Self.instantAccessVersion)
        return try app.db.write { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            guard let (record, stored) = try app.live(tx, rpcID, now: now), stored.provisioning.deleteAt == nil else {
                throw app.notFound(rpcID)
            }
            let newLocation = try body.string("location")
            let newSourceID = try body.string("properties.source.id")
            try engine { () throws(EngineError) in
                try CollectionRules.checkUpdate(
                    existingLocation: record.location ?? "",
                    existingSourceID: stored.properties["source"]?["id"]?.stringValue ?? "",
                    newLocation: newLocation, newSourceID: newSourceID)
            }
            let tags: JSONObject?? = body.object["tags"] == nil ? .none : .some(try body.tags())
            let ia = hasIA ? try body.bool("properties.instantAccess") : nil
            let updated = try update(tx, record: record, stored: stored, tags: tags, instantAccess: ia, now: now)
            return ARMResponse(
                status: 200, body: updated.stored.flatMap { render($0, at: now, call: call, restorePoints: nil) })
        }
    }

    /// Applies the changeable properties. `tags`: `.none` keeps them, `.some(nil)` removes them.
    private func update(
        _ tx: WriteTransaction, record: ResourceRecord, stored: StoredResource, tags: JSONObject??,
        instantAccess: Bool?,
        now: Timestamp
    ) throws(ARMError) -> ResourceRecord {
        var s = stored
        if case .some(let newTags) = tags { s.arm["tags"] = newTags.map(JSON.object) }
        if let instantAccess {
            var props = s.properties
            props["instantAccess"] = .bool(instantAccess)
            s.arm["properties"] = .object(props)
        }
        return try app.save(tx, record, s, now: now)
    }

    /// A VM (same or another region), or a collection in another region as a cross-region copy target
    /// (CONTRACT.md §4.2). Unknown → 400 `InvalidParameter`, target `properties.source.id`.
    private func resolveSource(_ tx: ReadTransaction, _ sourceID: String, now: Timestamp) throws(ARMError)
        -> (id: String, location: String)
    {
        let unknown = ARMError.invalidParameter(
            "The source '\(sourceID)' was not found. It must be the id of an existing virtual machine, or of a restore "
                + "point collection in another region for a cross-region copy.", target: "properties.source.id")
        guard let id = ResourceID.parse(sourceID), id.namespace?.lowercased() == "microsoft.compute",
            let last = id.steps.last, id.steps.count == 1,
            ["virtualmachines", "restorepointcollections"].contains(last.type.lowercased()),
            let (record, stored) = try app.live(tx, id, now: now), stored.provisioning.deleteAt == nil
        else { throw unknown }
        return (record.id, record.location ?? "")
    }
}
