import EmuCore
import EmuHTTP
import EmulatorApp
import Testing

@Suite("Cross-region copy and creation")
struct CopyTests {
    /// An IA collection in eastus with one restore point, and a copy target collection in westus.
    private func setUp() throws -> (TestEmulator, source: String, targetRPC: String) {
        let e = try TestEmulator()
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        let source = e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp1"
        e.call(.put, source, body: ["properties": ["instantAccessDurationMinutes": 60]])
        let target = e.makeCollection(
            "rpc-west", source: e.cp("rg1") + "/restorePointCollections/rpc1", instantAccess: nil, location: "westus")
        #expect(target.status == 201)
        return (e, source, e.cp("rg1") + "/restorePointCollections/rpc-west")
    }

    private func copy(_ e: TestEmulator, _ target: String, _ name: String, from source: String) -> Reply {
        e.call(
            .put, target + "/restorePoints/\(name)",
            body: ["properties": ["sourceRestorePoint": ["id": .string(source)]]])
    }

    @Test func copyIsRefusedUntilTheSourceAllowsIt() throws {
        let (e, source, target) = try setUp()
        let early = copy(e, target, "c1", from: source)
        #expect(early.status == 409)
        #expect(early.errorCode == "OperationNotAllowed")
        try e.advance(seconds: 15)
        // InstantAccess does not allow copy (§5.2).
        #expect(
            copy(e, target, "c1", from: source).json["error"]?["message"]?.stringValue?.contains("InstantAccess")
                == true)
        try e.advance(seconds: 1400)
        let c = copy(e, target, "c1", from: source)
        #expect(c.status == 201)
        let p = try #require(c.json["properties"])
        #expect(p["provisioningState"]?.stringValue == "Succeeded")
        let sourceDoc = e.call(.get, source).json["properties"]
        #expect(p["timeCreated"] == sourceDoc?["timeCreated"])
        #expect(p["consistencyMode"] == sourceDoc?["consistencyMode"])
        #expect(p["sourceMetadata"]?["location"]?.stringValue == "eastus")
        let data = p["sourceMetadata"]?["storageProfile"]?["dataDisks"]?.arrayValue?.first?["diskRestorePoint"]
        #expect(
            data?["sourceDiskRestorePoint"]?["id"]?.stringValue?.hasPrefix(
                source + "/diskRestorePoints/vm1_DataDisk_0_") == true)
        #expect(p["instantAccessStatus"] == nil)
        // Its disks replicate: Pending, then Available.
        let view = e.call(.get, target + "/restorePoints/c1?$expand=instanceView").json["properties"]?["instanceView"]
        let listed = view?["diskRestorePoints"]?.arrayValue ?? []
        #expect(listed.count == 2)
        #expect(listed.allSatisfy { $0["snapshotAccessState"]?.stringValue == "Pending" })
        let drps =
            e.call(.get, target + "/restorePoints/c1/diskRestorePoints", api: "2026-03-02").json["value"]?.arrayValue
            ?? []
        #expect(drps.allSatisfy { $0["properties"]?["sourceResourceLocation"]?.stringValue == "eastus" })
        #expect(drps.allSatisfy { $0["properties"]?["replicationState"]?.stringValue == "Replicating" })
        // A second copy of the same source, and copies while one runs, are refused.
        #expect(copy(e, target, "c2", from: source).errorCode == "OperationNotAllowed")
        e.call(.post, "/_emulator/clock", api: nil, body: ["advance": "PT2H"])
        let done = e.call(.get, target + "/restorePoints/c1?$expand=instanceView").json["properties"]?["instanceView"]
        #expect(
            (done?["diskRestorePoints"]?.arrayValue ?? []).allSatisfy {
                $0["snapshotAccessState"]?.stringValue == "Available"
            })
        // A copy of a copy is refused.
        let west2 = e.makeCollection("rpc-west2", source: target, instantAccess: nil, location: "centralus")
        #expect(west2.status == 201)
        let chained = copy(
            e, e.cp("rg1") + "/restorePointCollections/rpc-west2", "cc", from: target + "/restorePoints/c1")
        #expect(chained.errorCode == "OperationNotAllowed")
    }

    @Test func outOfOrderAndSameRegionAreRefused() throws {
        let (e, first, target) = try setUp()
        try e.advance(seconds: 15)
        let second = e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp2"
        #expect(e.call(.put, second, body: ["properties": ["instantAccessDurationMinutes": 60]]).status == 201)
        e.call(.post, "/_emulator/clock", api: nil, body: ["advance": "PT3H"])
        #expect(copy(e, target, "newer", from: second).status == 201)
        e.call(.post, "/_emulator/clock", api: nil, body: ["advance": "PT3H"])
        let older = copy(e, target, "older", from: first)
        #expect(older.status == 409)
        #expect(older.json["error"]?["message"]?.stringValue?.contains("order") == true)
        let same = e.makeCollection(
            "rpc-same", source: e.cp("rg1") + "/restorePointCollections/rpc1", instantAccess: nil)
        #expect(same.status == 400)
        let noSource = e.call(.put, target + "/restorePoints/x", body: ["properties": [:]])
        #expect(noSource.json["error"]?["target"]?.stringValue == "properties.sourceRestorePoint.id")
    }

    @Test func crossRegionCreationReplicates() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection("rpc-b", instantAccess: false, location: "westus")
        let rp = e.cp("rg1") + "/restorePointCollections/rpc-b/restorePoints/rp"
        #expect(e.call(.put, rp, body: ["properties": [:]]).status == 201)
        try e.advance(seconds: 15)
        let drps = e.call(.get, rp + "/diskRestorePoints", api: "2026-03-02").json["value"]?.arrayValue ?? []
        #expect(drps.count == 2)
        #expect(drps.allSatisfy { $0["properties"]?["snapshotAccessState"]?.stringValue == "Pending" })
        #expect(drps.allSatisfy { $0["properties"]?["sourceResourceLocation"]?.stringValue == "eastus" })
        e.call(.post, "/_emulator/clock", api: nil, body: ["advance": "PT2H"])
        let later = e.call(.get, rp + "/diskRestorePoints", api: "2026-03-02").json["value"]?.arrayValue ?? []
        #expect(later.allSatisfy { $0["properties"]?["snapshotAccessState"]?.stringValue == "Available" })
    }
}
