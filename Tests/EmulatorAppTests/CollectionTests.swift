import EmuCore
import EmuHTTP
import EmulatorApp
import RestorePointEngine
import Testing

@Suite("Restore point collections")
struct CollectionTests {
    private func setUp(pageSize: Int = 100) throws -> TestEmulator {
        let e = try TestEmulator { $0.pageSize = pageSize }
        e.makeResourceGroup()
        e.makeVM()
        return e
    }

    @Test func putIsSynchronousAndShapedLikeAzure() throws {
        let e = try setUp()
        let r = e.makeCollection()
        #expect(r.status == 201)
        #expect(r.headers["Azure-AsyncOperation"] == nil)
        let j = r.json
        #expect(j["type"]?.stringValue == "Microsoft.Compute/restorePointCollections")
        #expect(j["tags"] == nil)
        #expect(j["properties"]?["provisioningState"]?.stringValue == "Succeeded")
        #expect(j["properties"]?["source"]?["id"]?.stringValue == e.vmID())
        #expect(j["properties"]?["source"]?["location"]?.stringValue == "eastus")
        #expect(j["properties"]?["instantAccess"]?.boolValue == true)
        #expect(j["properties"]?["restorePointCollectionId"]?.stringValue?.count == 36)
        #expect(j["properties"]?["restorePoints"] == nil)
        let again = e.makeCollection()
        #expect(again.status == 200)
        #expect(again.json["properties"]?["restorePointCollectionId"] == j["properties"]?["restorePointCollectionId"])
    }

    /// A live collection is answered without reading its group; a missing one gets the first missing level's error
    /// (CONTRACT.md §7), and while its group is being deleted, that.
    @Test func aMissingCollectionNamesTheFirstMissingLevel() throws {
        let e = try setUp()
        e.makeCollection()
        let rpc = e.cp("rg1") + "/restorePointCollections/rpc1"
        #expect(e.call(.get, rpc).status == 200)
        #expect(e.call(.get, e.cp("rg1") + "/restorePointCollections/ghost").errorCode == "ResourceNotFound")
        #expect(e.call(.get, e.cp("nogroup") + "/restorePointCollections/rpc1").errorCode == "ResourceGroupNotFound")
        #expect(e.call(.delete, e.rg("rg1"), api: "2024-11-01").status == 202)
        #expect(e.call(.get, rpc).errorCode == "ResourceGroupBeingDeleted")
    }

    @Test func expandRestorePointsGivesAnEmptyList() throws {
        let e = try setUp()
        e.makeCollection()
        let path = e.cp("rg1") + "/restorePointCollections/rpc1"
        // Query parameters in either order, `$expand` in any case (reference/clients.md §0.5).
        let a = e.call(.get, path + "?$expand=restorePoints", api: "2025-04-01")
        let b = e.call(.get, path + "?api-version=2025-04-01&$Expand=RestorePoints", api: nil)
        #expect(a.json["properties"]?["restorePoints"] == .array([]))
        #expect(b.json["properties"]?["restorePoints"] == .array([]))
        #expect(e.call(.get, path + "?$expand=instanceView").json["error"]?["target"]?.stringValue == "$expand")
    }

    @Test func instantAccessOnlyFrom2025_04_01() throws {
        let e = try setUp()
        let old = e.makeCollection("rpc-old", instantAccess: true, api: "2024-11-01")
        #expect(old.status == 201)
        #expect(old.json["properties"]?["instantAccess"] == nil)
        // Ignored on input at the older version: the collection has no instant access.
        let read = e.call(.get, e.cp("rg1") + "/restorePointCollections/rpc-old", api: "2025-04-01")
        #expect(read.json["properties"]?["instantAccess"]?.boolValue == false)
    }

    @Test func propertyChangesAreRefused() throws {
        let e = try setUp()
        e.makeVM("vm2")
        e.makeCollection()
        let moved = e.makeCollection(location: "westus")
        #expect(moved.status == 400)
        #expect(moved.errorCode == "PropertyChangeNotAllowed")
        #expect(moved.json["error"]?["message"]?.stringValue == "Changing property 'location' is not allowed.")
        let resourced = e.makeCollection(source: e.vmID("vm2"))
        #expect(resourced.errorCode == "PropertyChangeNotAllowed")
        #expect(resourced.json["error"]?["message"]?.stringValue == "Changing property 'source.id' is not allowed.")
        // The same id in another case is the same source.
        #expect(e.makeCollection(source: e.vmID().uppercased()).status == 200)
    }

    @Test func patchChangesTagsAndInstantAccess() throws {
        let e = try setUp()
        e.makeCollection()
        let path = e.cp("rg1") + "/restorePointCollections/rpc1"
        let p = e.call(.patch, path, body: ["tags": ["a": "b"], "properties": ["instantAccess": false]])
        #expect(p.status == 200)
        #expect(p.json["tags"]?["a"]?.stringValue == "b")
        #expect(p.json["properties"]?["instantAccess"]?.boolValue == false)
        let keep = e.call(.patch, path, body: ["properties": ["instantAccess": true]])
        #expect(keep.json["tags"]?["a"]?.stringValue == "b")
        let bad = e.call(
            .patch, path,
            body: [
                "properties": [
                    "source": ["id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/z"]
                ]
            ])
        #expect(bad.errorCode == "PropertyChangeNotAllowed")
        #expect(
            e.call(.patch, e.cp("rg1") + "/restorePointCollections/nope", body: ["tags": [:]]).errorCode
                == "ResourceNotFound")
    }

    @Test func unknownSourceIsInvalidParameter() throws {
        let e = try setUp()
        let r = e.makeCollection(source: e.vmID("ghost"))
        #expect(r.status == 400)
        #expect(r.errorCode == "InvalidParameter")
        #expect(r.json["error"]?["target"]?.stringValue == "properties.source.id")
        let none = e.call(.put, e.cp("rg1") + "/restorePointCollections/x", body: ["location": "eastus"])
        #expect(none.json["error"]?["target"]?.stringValue == "properties.source.id")
    }

    @Test func listByGroupAndSubscriptionAcrossPages() throws {
        let e = try setUp(pageSize: 2)
        e.makeResourceGroup("rg2")
        for i in 0..<3 { e.makeCollection("rpc\(i)") }
        for i in 0..<2 { e.makeCollection("other\(i)", in: "rg2") }
        func collect(_ first: String) -> [String] {
            var names: [String] = []
            var r = e.call(.get, first)
            while true {
                names += r.json["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                guard let next = r.json["nextLink"]?.stringValue else { break }
                r = e.follow(next)
            }
            return names
        }
        #expect(collect(e.cp("rg1") + "/restorePointCollections") == ["rpc0", "rpc1", "rpc2"])
        let all = collect("/subscriptions/\(e.sub)/providers/Microsoft.Compute/restorePointCollections")
        #expect(Set(all) == ["rpc0", "rpc1", "rpc2", "other0", "other1"])
        #expect(all.count == 5)
    }

    @Test func deleteIsLongRunningThen404() throws {
        let e = try setUp()
        e.makeCollection()
        let path = e.cp("rg1") + "/restorePointCollections/rpc1"
        let del = e.call(.delete, path, api: "2024-11-01")
        #expect(del.status == 202)
        #expect(del.headers["Azure-AsyncOperation"]?.contains("api-version=2024-11-01") == true)
        #expect(e.call(.get, path).json["properties"]?["provisioningState"]?.stringValue == "Deleting")
        try e.advance(seconds: 2)
        #expect(e.call(.get, path).errorCode == "ResourceNotFound")
        #expect(e.call(.delete, path).status == 204)
        let message = e.call(.get, path).json["error"]?["message"]?.stringValue
        #expect(
            message
                == "The Resource 'Microsoft.Compute/restorePointCollections/rpc1' under resource group 'rg1' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        )
    }

    @Test func limitPerSubscriptionAndRegion() throws {
        let e = try TestEmulator { $0.limits.restorePointCollectionsPerRegion = 2 }
        e.makeResourceGroup()
        e.makeVM()
        #expect(e.makeCollection("a").status == 201)
        #expect(e.makeCollection("b").status == 201)
        let third = e.makeCollection("c")
        #expect(third.status == 409)
        #expect(
            third.json["error"]?["message"]?.stringValue?.contains("limits.restorePointCollectionsPerRegion") == true)
        #expect(e.makeCollection("c", location: "westus").status == 201)
    }
}
