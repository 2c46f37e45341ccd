import ARMKit
import EmuCore
import EmuHTTP

/// Applies a fixture document (docs/seeding.md) through the same service calls as the API, so a seeded
/// resource is exactly what a client's PUT would have made (CONTRACT.md §8.2).
struct Seeder: Sendable {
    let app: AppContext

    /// Applies `document` and returns what it did. The first failure stops it and names the item at fault.
    func apply(_ document: JSONObject) throws(ARMError) -> JSON {
        let reader = ARMBody(document)
        var applied: [JSON] = []
        for (g, entry) in (try reader.array("resourceGroups") ?? []).enumerated() {
            let at = "resourceGroups[\(g)]"
            guard let group = entry.objectValue else { throw failure(at, .invalidRequestContent("expected an object")) }
            let rg = ARMBody(group)
            let subscription = try rg.string("subscriptionId") ?? app.config.defaultSubscription
            guard let name = try rg.string("name") else {
                throw failure(at, .invalidRequestContent("'name' is required"))
            }
            let location = try rg.string("location") ?? ""
            var rgBody = JSONObject()
            rgBody["location"] = .string(location)
            if let tags = group["tags"] { rgBody["tags"] = tags }
            try run(at, &applied, "resourceGroups", name) { call throws(ARMError) in
                try ResourceGroupService(app: app).createOrUpdate(
                    call, subscription: subscription, name: name, body: ARMBody(rgBody))
            }
            let kinds: [(String, (CallContext, String, ARMBody) throws(ARMError) -> ARMResponse)] = [
                (
                    "disks",
                    { c, n, b throws(ARMError) in
                        try DiskService(app: app).createOrUpdate(
                            c, subscription: subscription, resourceGroup: name, name: n, body: b)
                    }
                ),
                (
                    "virtualMachines",
                    { c, n, b throws(ARMError) in
                        try VirtualMachineService(app: app).createOrUpdate(
                            c, subscription: subscription, resourceGroup: name, name: n, body: b)
                    }
                ),
                (
                    "restorePointCollections",
                    { c, n, b throws(ARMError) in
                        try CollectionService(app: app).createOrUpdate(
                            c, subscription: subscription, resourceGroup: name, name: n, body: b)
                    }
                ),
            ]
            for (kind, create) in kinds {
                for (i, item) in (try rg.array(kind) ?? []).enumerated() {
                    let itemAt = "\(at).\(kind)[\(i)]"
                    guard var body = item.objectValue, let itemName = body["name"]?.stringValue else {
                        throw failure(itemAt, .invalidRequestContent("each item needs a 'name'"))
                    }
                    if body["location"] == nil { body["location"] = .string(location) }
                    body = resolveShortSourceID(body, subscription: subscription, resourceGroup: name)
                    try run(itemAt, &applied, kind, itemName) { call throws(ARMError) in
                        try create(call, itemName, ARMBody(body))
                    }
                }
            }
        }
        app.logger.info("seed applied: \(applied.count) resources")
        return ["applied": .array(applied)]
    }

    /// A collection's `properties.source.id` may be a bare VM name in the same group (fixtures stay portable
    /// across subscriptions).
    private func resolveShortSourceID(_ body: JSONObject, subscription: String, resourceGroup: String) -> JSONObject {
        guard var props = body["properties"]?.objectValue, let source = props["source"]?["id"]?.stringValue,
            !source.hasPrefix("/")
        else { return body }
        let vm = VirtualMachineService(app: app).id(subscription, resourceGroup, source)
        props["source"] = ["id": .string(vm.string)]
        var out = body
        out["properties"] = .object(props)
        return out
    }

    private func run(
        _ at: String, _ applied: inout [JSON], _ kind: String, _ name: String,
        _ body: (CallContext) throws(ARMError) -> ARMResponse
    ) throws(ARMError) {
        let call = CallContext.inProcess(apiVersion: "2025-04-01")
        do throws(ARMError) {
            let response = try body(call)
            applied.append(["kind": .string(kind), "name": .string(name), "status": .int(Int64(response.status))])
        } catch {
            throw failure("\(at) (\(name))", error)
        }
    }

    private func failure(_ at: String, _ e: ARMError) -> ARMError {
        var wrapped = e
        wrapped.message = "Seed item \(at): \(e.message)"
        return wrapped
    }
}
