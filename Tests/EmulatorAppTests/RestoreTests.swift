import EmuCore
import EmuHTTP
import Testing

@testable import EmulatorApp

@Suite("Restore a disk from a disk restore point")
struct RestoreTests {
    private func restore(
        _ f: DiskRestorePointFixture, _ name: String, from drp: String, sku: String? = nil, sizeGB: Int64? = nil
    ) -> Reply {
        var props: JSONObject = ["creationData": ["createOption": "Restore", "sourceResourceId": .string(drp)]]
        if let sizeGB { props["diskSizeGB"] = .int(sizeGB) }
        var body: JSONObject = ["location": "eastus", "properties": .object(props)]
        if let sku { body["sku"] = ["name": .string(sku)] }
        return f.e.call(
            .put, f.e.cp("rg1") + "/disks/\(name)", api: DiskRestorePointFixture.diskRP, body: .object(body))
    }

    private func message(_ r: Reply) -> String { r.json["error"]?["message"]?.stringValue ?? "" }

    @Test func refusedWhilePending() throws {
        let f = try DiskRestorePointFixture()
        for drp in [f.pv2, f.premium] {
            let r = restore(f, "d1", from: drp, sku: "PremiumV2_LRS")
            #expect(r.status == 409)
            #expect(r.errorCode == "OperationNotAllowed")
            #expect(message(r).contains("is Pending, which allows no restore, access or copy yet"))
        }
        #expect(f.e.call(.get, f.e.cp("rg1") + "/disks/d1", api: DiskRestorePointFixture.diskRP).status == 404)
        // A PV2 disk in a collection without instant access stays Pending until its copy is done.
        f.advance(15)
        f.e.makeCollection("plain", instantAccess: false)
        let plainRP = f.e.cp("rg1") + "/restorePointCollections/plain/restorePoints/p1"
        f.e.call(.put, plainRP, body: ["properties": [:]])
        f.advance(15)
        let drps =
            f.e.call(.get, plainRP + "/diskRestorePoints", api: DiskRestorePointFixture.diskRP).json["value"]?
            .arrayValue ?? []
        let pv2 = try #require(drps.first { $0["name"]?.stringValue?.hasPrefix("vm1_DataDisk_0_") == true })
        let id = try #require(pv2["id"]?.stringValue)
        #expect(restore(f, "d2", from: id, sku: "PremiumV2_LRS").json["error"]?["code"] == "OperationNotAllowed")
        f.advance(1311)
        #expect(restore(f, "d2", from: id, sku: "Premium_LRS").status == 202)
    }

    @Test func fastRestoreFromInstantAccess() throws {
        let f = try DiskRestorePointFixture()
        f.advance(15)
        #expect(
            f.e.call(.get, f.pv2, api: DiskRestorePointFixture.diskRP).json["properties"]?["snapshotAccessState"]
                == "InstantAccess")
        let premium = restore(f, "premium", from: f.pv2, sku: "Premium_LRS")
        #expect(premium.status == 400)
        #expect(premium.errorCode == "InvalidParameter")
        #expect(premium.json["error"]?["target"] == "sku.name")
        let bigger = restore(f, "bigger", from: f.pv2, sku: "PremiumV2_LRS", sizeGB: 64)
        #expect(bigger.status == 400)
        #expect(bigger.json["error"]?["target"] == "properties.diskSizeGB")
        let smaller = restore(f, "smaller", from: f.pv2, sku: "PremiumV2_LRS", sizeGB: 16)
        #expect(smaller.json["error"]?["target"] == "properties.diskSizeGB")

        let put = restore(f, "fast", from: f.pv2, sku: "PremiumV2_LRS")
        #expect(put.status == 202)
        #expect(put.headers["Azure-AsyncOperation"] != nil)
        let p = try #require(put.json["properties"])
        #expect(p["diskSizeGB"] == 32)
        #expect(p["provisioningState"] == "Creating")
        #expect(p["creationData"] == ["createOption": "Restore", "sourceResourceId": .string(f.pv2)])
        #expect(p["logicalSectorSize"] == 4096)
        f.advance(2)
        let done = f.e.follow(put.headers["Location"])
        #expect(done.status == 200)
        #expect(done.json["properties"]?["provisioningState"] == "Succeeded")
        let got = f.e.call(.get, f.e.cp("rg1") + "/disks/fast", api: DiskRestorePointFixture.diskRP)
        #expect(got.json["sku"]?["name"] == "PremiumV2_LRS")
        #expect(got.json["properties"]?["diskState"] == "Unattached")
        // Ultra is a fast restore target too, and the SKU defaults to the source's.
        #expect(restore(f, "ultra", from: f.pv2, sku: "UltraSSD_LRS").status == 202)
        #expect(restore(f, "default", from: f.pv2).json["sku"]?["name"] == "PremiumV2_LRS")
    }

    @Test func premiumRestoreOnceAvailable() throws {
        let f = try DiskRestorePointFixture()
        f.advance(15)
        #expect(
            f.e.call(.get, f.premium, api: DiskRestorePointFixture.diskRP).json["properties"]?["snapshotAccessState"]
                == "Available")
        let put = restore(f, "os-copy", from: f.premium, sku: "Premium_LRS")
        #expect(put.status == 202)
        #expect(put.json["properties"]?["diskSizeGB"] == 127)
        #expect(put.json["properties"]?["osType"] == "Linux")
        let grown = restore(f, "os-grown", from: f.premium, sku: "StandardSSD_LRS", sizeGB: 256)
        #expect(grown.status == 202)
        #expect(grown.json["properties"]?["diskSizeGB"] == 256)
        // Available after instant access ends: any SKU, any larger size.
        f.advance(7200)
        #expect(restore(f, "late", from: f.pv2, sku: "Premium_LRS", sizeGB: 64).status == 202)
    }

    @Test func atMostFifteenRestoresInFlightPerSourceDisk() throws {
        let f = try DiskRestorePointFixture()
        f.advance(15)
        for i in 1...15 {
            #expect(restore(f, "r\(i)", from: f.pv2, sku: "PremiumV2_LRS").status == 202, "restore \(i)")
        }
        let sixteenth = restore(f, "r16", from: f.pv2, sku: "PremiumV2_LRS")
        #expect(sixteenth.status == 409)
        #expect(sixteenth.errorCode == "OperationNotAllowed")
        #expect(message(sixteenth).contains("15 disks are already being restored from disk 'vm1_DataDisk_0'"))
        // Another source disk has its own count.
        #expect(restore(f, "os", from: f.premium, sku: "Premium_LRS").status == 202)
        f.advance(1)
        #expect(restore(f, "r16", from: f.pv2, sku: "PremiumV2_LRS").status == 409)
        f.advance(1)
        #expect(restore(f, "r16", from: f.pv2, sku: "PremiumV2_LRS").status == 202)
    }

    @Test func sourceMustBeAnExistingDiskRestorePoint() throws {
        let f = try DiskRestorePointFixture()
        f.advance(15)
        for source in [f.rp + "/diskRestorePoints/nope", f.rp, "not-an-id", f.e.cp("rg1") + "/disks/vm1_DataDisk_0"] {
            let r = restore(f, "d", from: source, sku: "PremiumV2_LRS")
            #expect(r.status == 400, "\(source)")
            #expect(r.json["error"]?["target"] == "properties.creationData.sourceResourceId", "\(source)")
        }
        let drp = f.pv2
        #expect(f.e.call(.delete, f.rp).status == 202)
        let gone = restore(f, "d", from: drp, sku: "PremiumV2_LRS")
        #expect(gone.json["error"]?["target"] == "properties.creationData.sourceResourceId")
        // The id compares case-insensitively.
        let f2 = try DiskRestorePointFixture()
        f2.advance(15)
        #expect(restore(f2, "upper", from: f2.premium.uppercased(), sku: "Premium_LRS").status == 202)
    }
}
