import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// Microsoft.Resources resource groups (CONTRACT.md §2): PUT 201/200, GET, HEAD, list, DELETE 202 with cascade.
struct ResourceGroupService: Sendable {
    let app: AppContext

    func createOrUpdate(_ call: CallContext, subscription: String, name: String, body: ARMBody) throws(ARMError)
        -> ARMResponse
    {
        try ResourceName.validate(name, type: ResourceType.resourceGroup)
        guard let location = try body.string("location"), !location.isEmpty else { throw ARMError(.locationRequired) }
        let tags = try body.tags()
        let now = app.clock.now()
        let id = ResourceID(subscription: subscription, resourceGroup: name)
        return try app.db.write { tx throws(ARMError) in
            try SubscriptionService(app: app).register(tx, subscription)
            let existing = try app.live(tx, id, now: now)
            if let (record, stored) = existing {
                if stored.provisioning.deleteAt != nil {
                    throw ARMError(
                        status: 409, code: "ResourceGroupBeingDeleted",
                        message: "The resource group '\(record.name)' is being deleted; wait for the delete to finish.")
                }
                if CollectionRules.normalize(record.location ?? "") != CollectionRules.normalize(location) {
                    throw ARMError(
                        status: 409, code: "InvalidResourceGroupLocation",
                        message: "Invalid resource group location '\(location)'. The Resource group already exists in "
                            + "location '\(record.location ?? "")'.")
                }
            }
            let keptID = existing.map { ResourceID.parse($0.0.id) ?? id } ?? id
            var arm = JSONObject()
            arm["id"] = .string(keptID.string)
            arm["name"] = .string(keptID.name)
            arm["type"] = .string(ResourceType.resourceGroup)
            arm["location"] = .string(existing?.0.location ?? location)
            if let tags { arm["tags"] = .object(tags) }
            arm["properties"] = .object(JSONObject())
            let stored = StoredResource(arm: arm, provisioning: Provisioning(phase: .creating, readyAt: now))
            try app.store(
                tx.upsert(
                    app.record(
                        keptID, type: ResourceType.resourceGroup, location: existing?.0.location ?? location,
                        createdAt: existing?.0.createdAt ?? now, now: now, body: stored)))
            return ARMResponse(status: existing == nil ? 201 : 200, body: stored.rendered(at: now).map(JSON.object))
        }
    }

    func get(subscription: String, name: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        let id = ResourceID(subscription: subscription, resourceGroup: name)
        return try app.db.read { tx throws(ARMError) in
            guard let (_, stored) = try app.live(tx, id, now: now), let doc = stored.rendered(at: now) else {
                throw .resourceGroupNotFound(name)
            }
            return ARMResponse(status: 200, body: .object(doc))
        }
    }

    /// HEAD: 204 when it exists, 404 without a body otherwise.
    func exists(subscription: String, name: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        let id = ResourceID(subscription: subscription, resourceGroup: name)
        let found = try app.db.read { tx throws(ARMError) in try app.live(tx, id, now: now) != nil }
        return ARMResponse(status: found ? 204 : 404)
    }

    func list(_ request: ARMRequest, subscription: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        let page = try Page.request(request, size: app.config.pageSize)
        let records = try app.db.read { tx throws(ARMError) in
            try app.store(
                tx.resources(
                    type: ResourceType.key(ResourceType.resourceGroup),
                    parentKey: "/subscriptions/\(subscription.lowercased())",
                    after: page.after, limit: page.size + 1))
        }
        return app.page(records, size: page.size, call: request) { $0.stored?.rendered(at: now).map(JSON.object) }
    }

    /// Marks the group `Deleting` and removes everything inside it at once (CONTRACT.md §2).
    func delete(_ call: CallContext, subscription: String, name: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        let id = ResourceID(subscription: subscription, resourceGroup: name)
        return try app.db.write { tx throws(ARMError) in
            guard let (record, existing) = try app.live(tx, id, now: now) else { throw .resourceGroupNotFound(name) }
            // Everything in it goes; restore points elsewhere keep their lineages complete (CONTRACT.md §6).
            try RestorePointService(app: app).foldLineages(tx, deletingTree: id.key, now: now)
            _ = try app.store(tx.deleteTree(key: id.key))
            let deleteAt = try app.markDeleting(tx, record, existing, now: now)
            let headers = try app.startOperation(
                tx, call, kind: "resourceGroups.delete", resource: id, location: record.location ?? "global",
                start: now,
                end: deleteAt)
            return ARMResponse(status: 202, headers: headers)
        }
    }
}
