import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// Managed disks (CONTRACT.md §2, §4.1): PUT answers 202 (never 201: the Python SDK rejects it), GET, list,
/// DELETE 202. `Restore` from a disk restore point (DiskService+Restore.swift) is checked by the engine's
/// `DiskPlanner`.
struct DiskService: Sendable {
    let app: AppContext

    func id(_ subscription: String, _ resourceGroup: String, _ name: String) -> ResourceID {
        ResourceID(
            subscription: subscription, resourceGroup: resourceGroup, namespace: "Microsoft.Compute",
            steps: [.init(type: "disks", name: name)])
    }

    func createOrUpdate(_ call: CallContext, subscription: String, resourceGroup: String, name: String, body: ARMBody)
        throws(ARMError) -> ARMResponse
    {
        try ResourceName.validate(name, type: ResourceType.disk)
        let now = app.clock.now()
        let diskID = id(subscription, resourceGroup, name)
        return try app.db.write { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            let existing = try app.live(tx, diskID, now: now)
            if let (_, stored) = existing, stored.provisioning.deleteAt != nil {
                throw .operationNotAllowed("Disk '\(name)' is being deleted; wait for the delete to finish.")
            }
            guard let location = try body.string("location"), !location.isEmpty else {
                throw ARMError(.locationRequired)
            }
            if let (record, _) = existing,
                CollectionRules.normalize(record.location ?? "") != CollectionRules.normalize(location)
            {
                throw ARMError(.propertyChangeNotAllowed(property: "location"))
            }
            let facts = existing.flatMap { Self.facts($0.0) }
            let restore = existing == nil ? try restoreSource(tx, body: body, diskID: diskID, now: now) : nil
            let plan = try engine { () throws(EngineError) in
                try DiskPlanner.plan(
                    body: body.object, existing: facts, existingProperties: existing?.1.properties,
                    restore: restore?.source, limits: app.config.limits)
            }
            var props = plan.properties
            props["uniqueId"] = existing?.1.properties["uniqueId"] ?? .string(GUID.make())
            props["timeCreated"] = existing?.1.properties["timeCreated"] ?? .string(now.iso8601)
            var arm = JSONObject()
            arm["name"] = .string(existing?.0.name ?? name)
            arm["id"] = .string(existing?.0.id ?? diskID.string)
            arm["type"] = .string(ResourceType.disk)
            arm["location"] = .string(existing?.0.location ?? location)
            if let tags = try body.tags() { arm["tags"] = .object(tags) }
            if let zones = try body.array("zones") ?? existing?.1.arm["zones"]?.arrayValue {
                arm["zones"] = .array(zones)
            }
            if let owner = existing?.1.arm["managedBy"] { arm["managedBy"] = owner }
            arm["sku"] = ["name": .string(plan.sku.rawValue), "tier": .string(plan.sku.tier)]
            arm["properties"] = .object(props)
            let ready = now.adding(seconds: app.config.timings.resourceCreate)
            let stored = StoredResource(
                arm: arm, provisioning: Provisioning(phase: existing == nil ? .creating : .updating, readyAt: ready),
                internalFacts: existing?.1.internalFacts
                    ?? restore.map { [Self.restoreFamilyKey: .string($0.family)] } ?? JSONObject())
            try app.store(
                tx.upsert(
                    app.record(
                        diskID, type: ResourceType.disk, location: existing?.0.location ?? location,
                        createdAt: existing?.0.createdAt ?? now, now: now, body: stored)))
            let headers = try app.startOperation(
                tx, call, kind: "disks.put", resource: diskID, location: existing?.0.location ?? location, start: now,
                end: ready)
            return ARMResponse(status: 202, body: Self.render(stored, at: now), headers: headers)
        }
    }

    func get(subscription: String, resourceGroup: String, name: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        let diskID = id(subscription, resourceGroup, name)
        return try app.db.read { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            guard let (_, stored) = try app.live(tx, diskID, now: now), let doc = Self.render(stored, at: now) else {
                throw app.notFound(diskID)
            }
            return ARMResponse(status: 200, body: doc)
        }
    }

    func list(_ request: ARMRequest, subscription: String, resourceGroup: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        let page = try Page.request(request, size: app.config.pageSize)
        let records = try app.db.read { tx throws(ARMError) in
            let rg = try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            return try app.store(
                tx.resources(
                    type: ResourceType.key(ResourceType.disk), parentKey: rg.key, after: page.after,
                    limit: page.size + 1))
        }
        return app.page(records, size: page.size, call: request) { r in r.stored.flatMap { Self.render($0, at: now) } }
    }

    /// Refused while attached (Azure: `OperationNotAllowed`); else `Deleting` then gone.
    func delete(_ call: CallContext, subscription: String, resourceGroup: String, name: String) throws(ARMError)
        -> ARMResponse
    {
        let now = app.clock.now()
        let diskID = id(subscription, resourceGroup, name)
        return try app.db.write { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            guard let (record, existing) = try app.live(tx, diskID, now: now) else { return ARMResponse(status: 204) }
            if let owner = existing.arm["managedBy"]?.stringValue {
                throw .operationNotAllowed(
                    "Disk '\(record.name)' is attached to VM '\(owner)'. Detach it from the VM or delete the VM first.")
            }
            let deleteAt = try app.markDeleting(tx, record, existing, now: now)
            let headers = try app.startOperation(
                tx, call, kind: "disks.delete", resource: diskID, location: record.location ?? "", start: now,
                end: deleteAt)
            return ARMResponse(status: 202, headers: headers)
        }
    }

    /// The disk document at `now`: `provisioningState` and `diskState` are computed.
    static func render(_ stored: StoredResource, at now: Timestamp) -> JSON? {
        guard var doc = stored.rendered(at: now) else { return nil }
        var props = doc["properties"]?.objectValue ?? JSONObject()
        props["diskState"] = doc["managedBy"] == nil ? "Unattached" : "Attached"
        doc["properties"] = .object(props)
        return .object(doc)
    }

    /// What the engine needs to know of a stored disk.
    static func facts(_ record: ResourceRecord) -> DiskFacts? {
        guard let stored = record.stored, let sku = stored.arm["sku"]?["name"]?.stringValue.flatMap(DiskSKU.init(name:))
        else { return nil }
        let p = stored.properties
        return DiskFacts(
            id: record.id, name: record.name, sku: sku, sizeGB: p["diskSizeGB"]?.intValue ?? 0,
            managedBy: stored.arm["managedBy"]?.stringValue, maxShares: p["maxShares"]?.intValue ?? 1,
            osType: p["osType"]?.stringValue)
    }
}
