import EmuCore
import EmuHTTP
import EmulatorApp
import Testing

@Suite("Virtual machines and disks")
struct VirtualMachineTests {
    @Test func createMakesItsDisksAndRunsAsAnOperation() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        let put = e.makeVM(dataDisks: [(0, "PremiumV2_LRS", 32), (1, "UltraSSD_LRS", 64)])
        #expect(put.status == 201)
        #expect(put.json["properties"]?["provisioningState"]?.stringValue == "Creating")
        let vmId = try #require(put.json["properties"]?["vmId"]?.stringValue)
        #expect(vmId.count == 36)
        #expect(put.json["properties"]?["osProfile"]?["adminPassword"] == nil)
        let storage = try #require(put.json["properties"]?["storageProfile"])
        let osName = try #require(storage["osDisk"]?["name"]?.stringValue)
        #expect(osName.hasPrefix("vm1_OsDisk_1_") && osName.count == "vm1_OsDisk_1_".count + 32)
        #expect(storage["osDisk"]?["diskSizeGB"]?.intValue == 127)
        #expect(storage["osDisk"]?["osType"]?.stringValue == "Linux")
        let data = try #require(storage["dataDisks"]?.arrayValue)
        #expect(data.map { $0["name"]?.stringValue } == ["vm1_DataDisk_0", "vm1_DataDisk_1"])
        #expect(storage["diskControllerType"]?.stringValue == "SCSI")

        let disks = e.call(.get, e.cp("rg1") + "/disks", api: "2026-03-02")
        let byName = Dictionary(
            uniqueKeysWithValues: (disks.json["value"]?.arrayValue ?? []).map { ($0["name"]?.stringValue ?? "", $0) })
        #expect(byName.count == 3)
        #expect(byName["vm1_DataDisk_0"]?["sku"]?["name"]?.stringValue == "PremiumV2_LRS")
        #expect(byName["vm1_DataDisk_0"]?["properties"]?["logicalSectorSize"]?.intValue == 4096)
        #expect(byName["vm1_DataDisk_1"]?["sku"]?["name"]?.stringValue == "UltraSSD_LRS")
        #expect(byName[osName]?["properties"]?["diskState"]?.stringValue == "Attached")
        #expect(byName[osName]?["managedBy"]?.stringValue == e.vmID())

        // The operation and the VM finish together (CONTRACT.md §3).
        #expect(e.follow(put.headers["Azure-AsyncOperation"]).json["status"]?.stringValue == "InProgress")
        let monitorBefore = e.follow(put.headers["Location"])
        #expect(monitorBefore.status == 202)
        #expect(monitorBefore.headers["Retry-After"] == "1")
        try e.advance(seconds: 2)
        #expect(e.follow(put.headers["Azure-AsyncOperation"]).json["status"]?.stringValue == "Succeeded")
        let monitor = e.follow(put.headers["Location"])
        #expect(monitor.status == 200)
        #expect(monitor.json["properties"]?["vmId"]?.stringValue == vmId)
        #expect(e.call(.get, e.vmID()).json["properties"]?["provisioningState"]?.stringValue == "Succeeded")
    }

    @Test func updateKeepsIdentityAndDisks() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        let first = e.makeVM()
        try e.advance(seconds: 5)
        let second = e.makeVM()
        #expect(second.status == 200)
        #expect(second.json["properties"]?["provisioningState"]?.stringValue == "Updating")
        #expect(second.json["properties"]?["vmId"] == first.json["properties"]?["vmId"])
        #expect(
            second.json["properties"]?["storageProfile"]?["osDisk"]?["name"]
                == first.json["properties"]?["storageProfile"]?["osDisk"]?["name"])
        #expect(e.call(.get, e.cp("rg1") + "/disks", api: "2026-03-02").json["value"]?.arrayValue?.count == 2)
    }

    @Test func attachAnExistingDiskAndRefuseASecondOwner() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        let disk = e.call(
            .put, e.cp("rg1") + "/disks/shared", api: "2026-03-02",
            body: [
                "location": "eastus", "sku": ["name": "PremiumV2_LRS"],
                "properties": ["creationData": ["createOption": "Empty"], "diskSizeGB": 16],
            ])
        #expect(disk.status == 202)
        let diskID = e.cp("rg1") + "/disks/shared"
        let attach: JSON = [
            "dataDisks": [["lun": 3, "createOption": "Attach", "managedDisk": ["id": .string(diskID)]]]
        ]
        let a = e.makeVM("vm-a", dataDisks: [], extra: ["storageProfile": mergedStorage(attach)])
        #expect(a.status == 201)
        #expect(
            a.json["properties"]?["storageProfile"]?["dataDisks"]?.arrayValue?.first?["name"]?.stringValue == "shared")
        let b = e.makeVM("vm-b", dataDisks: [], extra: ["storageProfile": mergedStorage(attach)])
        #expect(b.status == 409)
        #expect(b.errorCode == "OperationNotAllowed")
        let missing: JSON = [
            "dataDisks": [["lun": 0, "createOption": "Attach", "managedDisk": ["id": .string(diskID + "x")]]]
        ]
        let c = e.makeVM("vm-c", dataDisks: [], extra: ["storageProfile": mergedStorage(missing)])
        #expect(c.status == 400)
        #expect(c.json["error"]?["target"]?.stringValue == "properties.storageProfile.dataDisks[0].managedDisk.id")
        // A disk in use cannot be deleted; once the VM is gone it can.
        #expect(e.call(.delete, diskID, api: "2026-03-02").errorCode == "OperationNotAllowed")
        #expect(e.call(.delete, e.vmID("vm-a")).status == 202)
        #expect(e.call(.delete, diskID, api: "2026-03-02").status == 202)
    }

    private func mergedStorage(_ dataDisks: JSON) -> JSON {
        var s: JSONObject = [
            "osDisk": ["createOption": "FromImage", "managedDisk": ["storageAccountType": "Premium_LRS"]]
        ]
        s["dataDisks"] = dataDisks["dataDisks"]
        return .object(s)
    }

    @Test(arguments: [
        ("hardwareProfile", "properties.hardwareProfile.vmSize"),
        ("storageProfile", "properties.storageProfile"),
    ])
    func missingRequiredParts(removed: String, target: String) throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        var props: JSONObject = [
            "hardwareProfile": ["vmSize": "Standard_D2s_v3"],
            "storageProfile": ["osDisk": ["createOption": "FromImage"]],
        ]
        props[removed] = nil
        let r = e.call(.put, e.vmID(), body: ["location": "eastus", "properties": .object(props)])
        #expect(r.status == 400)
        #expect(r.errorCode == "InvalidParameter")
        #expect(r.json["error"]?["target"]?.stringValue == target)
    }

    @Test func badDiskDefinitions() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        let noSize = e.makeVM(dataDisks: [(0, "PremiumV2_LRS", 0)])
        #expect(noSize.json["error"]?["target"]?.stringValue == "properties.storageProfile.dataDisks[0].diskSizeGB")
        let dupLun = e.makeVM(dataDisks: [(1, "Premium_LRS", 8), (1, "Premium_LRS", 8)])
        #expect(dupLun.json["error"]?["target"]?.stringValue == "properties.storageProfile.dataDisks[1].lun")
        let badSKU = e.makeVM(dataDisks: [(0, "Gold_LRS", 8)])
        #expect(
            badSKU.json["error"]?["target"]?.stringValue
                == "properties.storageProfile.dataDisks[0].managedDisk.storageAccountType")
        #expect(e.call(.get, e.vmID()).status == 404)
        // Nothing was half-created by the refused PUTs.
        #expect(e.call(.get, e.cp("rg1") + "/disks", api: "2026-03-02").json["value"]?.arrayValue?.count == 0)
    }

    @Test func diskPutNeverAnswers201() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        let path = e.cp("rg1") + "/disks/d1"
        let body: JSON = [
            "location": "eastus", "sku": ["name": "Premium_LRS"],
            "properties": ["creationData": ["createOption": "Empty"], "diskSizeGB": 8],
        ]
        let created = e.call(.put, path, api: "2026-03-02", body: body)
        #expect(created.status == 202)
        #expect(created.headers["Location"]?.hasSuffix("&monitor=true") == true)
        #expect(created.json["properties"]?["diskState"]?.stringValue == "Unattached")
        let updated = e.call(.put, path, api: "2026-03-02", body: body)
        #expect(updated.status == 202)
        let shrink = e.call(
            .put, path, api: "2026-03-02",
            body: ["location": "eastus", "properties": ["creationData": ["createOption": "Empty"], "diskSizeGB": 4]])
        #expect(shrink.errorCode == "InvalidParameter")
        let restore = e.call(
            .put, e.cp("rg1") + "/disks/r1", api: "2026-03-02",
            body: [
                "location": "eastus",
                "properties": [
                    "creationData": [
                        "createOption": "Restore",
                        "sourceResourceId":
                            "/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/restorePointCollections/c/restorePoints/p/diskRestorePoints/d",
                    ]
                ],
            ])
        #expect(restore.status == 400)
        #expect(restore.json["error"]?["target"]?.stringValue == "properties.creationData.sourceResourceId")
        // CRP versions are refused on disk routes.
        #expect(e.call(.get, path, api: "2025-04-01").errorCode == "InvalidApiVersionParameter")
    }

    @Test func deleteDetachesDisksAndAbsentIs204() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        e.makeVM()
        let del = e.call(.delete, e.vmID())
        #expect(del.status == 202)
        #expect(del.body.isEmpty)
        let disks = e.call(.get, e.cp("rg1") + "/disks", api: "2026-03-02").json["value"]?.arrayValue ?? []
        #expect(disks.allSatisfy { $0["properties"]?["diskState"]?.stringValue == "Unattached" })
        #expect(e.call(.get, e.vmID()).json["properties"]?["provisioningState"]?.stringValue == "Deleting")
        try e.advance(seconds: 2.5)
        #expect(e.call(.get, e.vmID()).errorCode == "ResourceNotFound")
        #expect(e.follow(del.headers["Location"]).status == 200)
        #expect(e.call(.delete, e.vmID()).status == 204)
    }
}
