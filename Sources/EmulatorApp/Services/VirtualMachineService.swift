import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// Virtual machines, the sources of restore points (CONTRACT.md §4.1): PUT 201/200 LRO creating or attaching
/// their disks, GET, list, DELETE 202 (disks are detached and kept, Azure's default `deleteOption: Detach`).
struct VirtualMachineService: Sendable {
    let app: AppContext

    func id(_ subscription: String, _ resourceGroup: String, _ name: String) -> ResourceID {
        ResourceID(
            subscription: subscription, resourceGroup: resourceGroup, namespace: "Microsoft.Compute",
            steps: [.init(type: "virtualMachines", name: name)])
    }

    func createOrUpdate(_ call: CallContext, subscription: String, resourceGroup: String, name: String, body: ARMBody)
        throws(ARMError) -> ARMResponse
    {
        try ResourceName.validate(name, type: ResourceType.virtualMachine)
        let now = app.clock.now()
        let vmID = id(subscription, resourceGroup, name)
        return try app.db.write { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            let existing = try app.live(tx, vmID, now: now)
            if let (_, stored) = existing, stored.provisioning.deleteAt != nil {
                throw .operationNotAllowed("Virtual machine '\(name)' is being deleted; wait for the delete to finish.")
            }
            guard let location = try body.string("location"), !location.isEmpty else {
                throw ARMError(.locationRequired)
            }
            if let (record, _) = existing,
                CollectionRules.normalize(record.location ?? "") != CollectionRules.normalize(location)
            {
                throw ARMError(.propertyChangeNotAllowed(property: "location"))
            }
            guard let properties = try body.object("properties") else {
                throw .invalidParameter("Required parameter 'properties' is missing (null).", target: "properties")
            }
            let shownID = existing.flatMap { ResourceID.parse($0.0.id) } ?? vmID
            let (plan, lookupFailure) = try planDisks(
                tx, vmID: shownID, existing: existing?.1, properties: properties, now: now)
            if let lookupFailure { throw lookupFailure }
            let zones = try body.array("zones").map(JSON.array) ?? existing?.1.arm["zones"]
            let ready = now.adding(seconds: app.config.timings.resourceCreate)
            try attachDisks(
                tx, plan: plan, vmID: shownID, previous: existing?.1, location: location, zones: zones, now: now,
                ready: ready)

            var arm = JSONObject()
            arm["name"] = .string(shownID.name)
            arm["id"] = .string(shownID.string)
            arm["type"] = .string(ResourceType.virtualMachine)
            arm["location"] = .string(existing?.0.location ?? location)
            if let tags = try body.tags() { arm["tags"] = .object(tags) }
            if let zones { arm["zones"] = zones }
            for key in ["plan", "identity", "extendedLocation"] { if let v = body.object[key] { arm[key] = v } }
            arm["properties"] = .object(plan.properties)
            var facts = JSONObject()
            facts["diskIds"] = .array(plan.diskIDs.map(JSON.string))
            let stored = StoredResource(
                arm: arm, provisioning: Provisioning(phase: existing == nil ? .creating : .updating, readyAt: ready),
                internalFacts: facts)
            try app.store(
                tx.upsert(
                    app.record(
                        shownID, type: ResourceType.virtualMachine, location: existing?.0.location ?? location,
                        createdAt: existing?.0.createdAt ?? now, now: now, body: stored)))
            let headers = try app.startOperation(
                tx, call, kind: "virtualMachines.put", resource: shownID, location: existing?.0.location ?? location,
                start: now, end: ready)
            return ARMResponse(
                status: existing == nil ? 201 : 200, body: stored.rendered(at: now).map(JSON.object), headers: headers)
        }
    }

    /// Runs the engine's planner with disk lookups in this transaction. A store failure during a lookup is
    /// returned beside the plan, since the planner's lookup cannot throw.
    private func planDisks(
        _ tx: WriteTransaction, vmID: ResourceID, existing: StoredResource?, properties: JSONObject, now: Timestamp
    ) throws(ARMError) -> (VirtualMachinePlan, ARMError?) {
        var lookupFailure: ARMError?
        let planner = VirtualMachinePlanner(
            vmName: vmID.name, vmResourceID: vmID.string, existing: existing?.properties,
            diskID: { name in
                DiskService(app: app).id(vmID.subscription, vmID.resourceGroup ?? "", name).string
            },
            lookupDisk: { diskID in
                guard let id = ResourceID.parse(diskID) else { return nil }
                do throws(ARMError) {
                    return try app.live(tx, id, now: now).flatMap { DiskService.facts($0.0) }
                } catch {
                    lookupFailure = error
                    return nil
                }
            })
        let vmId = existing?.properties["vmId"]?.stringValue ?? GUID.make()
        let created = existing?.properties["timeCreated"]?.stringValue.flatMap(Timestamp.init(iso8601:)) ?? now
        let plan = try engine { () throws(EngineError) in
            try planner.plan(properties: properties, vmId: vmId, timeCreated: created)
        }
        return (plan, lookupFailure)
    }

    /// Creates the planned disks, marks every used disk `managedBy` the VM, and frees disks it no longer lists.
    private func attachDisks(
        _ tx: WriteTransaction, plan: VirtualMachinePlan, vmID: ResourceID, previous: StoredResource?, location: String,
        zones: JSON?, now: Timestamp, ready: Timestamp
    ) throws(ARMError) {
        let disks = DiskService(app: app)
        for new in plan.disksToCreate {
            let diskID = disks.id(vmID.subscription, vmID.resourceGroup ?? "", new.name)
            let arm = DiskService.document(
                for: new, id: diskID, location: location, zones: zones, vmID: vmID.string, now: now)
            let stored = StoredResource(arm: arm, provisioning: Provisioning(phase: .creating, readyAt: ready))
            try app.store(
                tx.upsert(
                    app.record(
                        diskID, type: ResourceType.disk, location: location, createdAt: now, now: now, body: stored)))
        }
        let used = Set(plan.diskIDs.map { $0.lowercased() })
        let before = previous?.internalFacts["diskIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for diskID in Set(before.map { $0.lowercased() }).union(used) {
            guard let id = ResourceID.parse(diskID), let (record, stored) = try app.live(tx, id, now: now) else {
                continue
            }
            var updated = stored
            updated.arm["managedBy"] = used.contains(diskID) ? .string(vmID.string) : nil
            guard updated != stored else { continue }
            try app.save(tx, record, updated, now: now)
        }
    }
}
