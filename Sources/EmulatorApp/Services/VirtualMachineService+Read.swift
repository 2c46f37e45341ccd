import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

extension VirtualMachineService {
    func get(subscription: String, resourceGroup: String, name: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        let vmID = id(subscription, resourceGroup, name)
        return try app.db.read { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            guard let (_, stored) = try app.live(tx, vmID, now: now), let doc = stored.rendered(at: now) else {
                throw app.notFound(vmID)
            }
            return ARMResponse(status: 200, body: .object(doc))
        }
    }

    func list(_ request: ARMRequest, subscription: String, resourceGroup: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        let page = try Page.request(request, size: app.config.pageSize)
        let records = try app.db.read { tx throws(ARMError) in
            let rg = try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            return try app.store(
                tx.resources(
                    type: ResourceType.key(ResourceType.virtualMachine), parentKey: rg.key, after: page.after,
                    limit: page.size + 1))
        }
        return app.page(records, size: page.size, call: request) { $0.stored?.rendered(at: now).map(JSON.object) }
    }

    /// `Deleting` then gone; its disks are detached at once and kept.
    func delete(_ call: CallContext, subscription: String, resourceGroup: String, name: String) throws(ARMError)
        -> ARMResponse
    {
        let now = app.clock.now()
        let vmID = id(subscription, resourceGroup, name)
        return try app.db.write { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            guard let (record, existing) = try app.live(tx, vmID, now: now) else { return ARMResponse(status: 204) }
            for diskID in existing.internalFacts["diskIds"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                guard let id = ResourceID.parse(diskID), let (diskRecord, disk) = try app.live(tx, id, now: now),
                    disk.arm["managedBy"]?.stringValue?.lowercased() == vmID.key
                else { continue }
                var freed = disk
                freed.arm["managedBy"] = nil
                try app.save(tx, diskRecord, freed, now: now)
            }
            let deleteAt = try app.markDeleting(tx, record, existing, now: now)
            let headers = try app.startOperation(
                tx, call, kind: "virtualMachines.delete", resource: vmID, location: record.location ?? "", start: now,
                end: deleteAt)
            return ARMResponse(status: 202, headers: headers)
        }
    }
}
