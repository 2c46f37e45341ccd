import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

extension CollectionService {
    func get(_ call: CallContext, subscription: String, resourceGroup: String, name: String, expand: String?)
        throws(ARMError) -> ARMResponse
    {
        let expandRestorePoints = try Self.parseExpand(expand)
        let rpcID = id(subscription, resourceGroup, name)
        // A collection's row lives only while its group does (deleting the group removes it at once), so a live
        // collection is answered without reading the group; a missing one reads it for the error that comes first
        // (CONTRACT.md §7).
        let missing = { (tx: ReadTransaction, now: Timestamp) throws(ARMError) -> ARMError in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            return app.notFound(rpcID)
        }
        guard expandRestorePoints else {
            // Without `$expand` the document depends only on the body, the api-version and now: kept (RenderCache).
            return try app.keptRender(
                rpcID, key: RenderCache.Key(id: rpcID.string, apiVersion: call.apiVersion.served, expand: false),
                missing: missing, render: { stored, now in render(stored, at: now, call: call, restorePoints: nil) },
                nextChange: { stored, now in stored.provisioning.nextChange(after: now) })
        }
        let now = app.clock.now()
        return try app.db.read { tx throws(ARMError) in
            guard let (stored, _) = try app.liveBody(tx, rpcID, now: now) else { throw try missing(tx, now) }
            let restorePoints = try RestorePointService(app: app).list(tx, collection: rpcID, at: now, call: call)
            guard let doc = render(stored, at: now, call: call, restorePoints: restorePoints) else {
                throw app.notFound(rpcID)
            }
            return ARMResponse(status: 200, body: doc)
        }
    }

    /// `$expand` takes exactly `restorePoints` (reference/arm-spec.md §1.1).
    static func parseExpand(_ value: String?) throws(ARMError) -> Bool {
        guard let value else { return false }
        guard value.lowercased() == "restorepoints" else {
            throw .invalidParameter(
                "The value '\(value)' of $expand is not supported. The only value is 'restorePoints'.",
                target: "$expand")
        }
        return true
    }

    func list(_ request: ARMRequest, subscription: String, resourceGroup: String?) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        let page = try Page.request(request, size: app.config.pageSize)
        let call = CallContext(request)
        return try app.db.read { tx throws(ARMError) in
            let records: [ResourceRecord]
            let type = ResourceType.key(ResourceType.collection)
            if let resourceGroup {
                let rg = try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
                records = try app.store(
                    tx.resources(type: type, parentKey: rg.key, after: page.after, limit: page.size + 1))
            } else {
                records = try app.store(
                    tx.resources(
                        type: type, subscription: subscription.lowercased(), after: page.after, limit: page.size + 1))
            }
            return app.page(records, size: page.size, call: request) {
                $0.stored.flatMap { render($0, at: now, call: call, restorePoints: nil) }
            }
        }
    }

    func delete(_ call: CallContext, subscription: String, resourceGroup: String, name: String) throws(ARMError)
        -> ARMResponse
    {
        let now = app.clock.now()
        let rpcID = id(subscription, resourceGroup, name)
        return try app.db.write { tx throws(ARMError) in
            try app.requireResourceGroup(tx, subscription: subscription, name: resourceGroup, now: now)
            guard let (record, existing) = try app.live(tx, rpcID, now: now) else { return ARMResponse(status: 204) }
            // Its restore points and disk restore points go with it, with their schedules (CONTRACT.md §2), their
            // snapshots folded into what stays (§6).
            try RestorePointService(app: app).foldLineages(tx, deletingTree: rpcID.key, now: now)
            _ = try app.store(tx.deleteTree(key: rpcID.key))
            let deleteAt = try app.markDeleting(tx, record, existing, now: now)
            let headers = try app.startOperation(
                tx, call, kind: "restorePointCollections.delete", resource: rpcID, location: record.location ?? "",
                start: now, end: deleteAt)
            return ARMResponse(status: 202, headers: headers)
        }
    }

    /// The collection as the served api-version shows it; `restorePoints` (from `$expand=restorePoints`) is shown
    /// even when empty, as real Azure does (reference/arm-spec.md §1.1).
    func render(_ stored: StoredResource, at now: Timestamp, call: CallContext, restorePoints: [JSON]?) -> JSON? {
        guard var doc = stored.rendered(at: now) else { return nil }
        var props = doc["properties"]?.objectValue ?? JSONObject()
        if !call.apiVersion.isAtLeast(Self.instantAccessVersion) { props["instantAccess"] = nil }
        if let restorePoints { props["restorePoints"] = .array(restorePoints) }
        doc["properties"] = .object(props)
        return .object(doc)
    }
}
