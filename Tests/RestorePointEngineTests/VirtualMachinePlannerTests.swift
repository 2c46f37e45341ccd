import EmuCore
import RestorePointEngine
import Testing

/// The plan of a VM PUT, or its refusal.
func plan(_ properties: JSONObject, planner: VirtualMachinePlanner = .make()) -> Result<VirtualMachinePlan, Refusal> {
    do throws(EngineError) {
        return .success(try planner.plan(properties: properties, vmId: "vm-guid", timeCreated: t0))
    } catch {
        return .failure(error.refusal)
    }
}

extension Result {
    var value: Success? { try? get() }
    var refusal: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}

/// True when `name` is `{vm}_OsDisk_1_` and 32 lower-case hex digits (CONTRACT.md §4.1).
func isGeneratedOSDiskName(_ name: String, vm: String = "vm1") -> Bool {
    let prefix = "\(vm)_OsDisk_1_"
    guard name.hasPrefix(prefix) else { return false }
    let hex = name.dropFirst(prefix.count)
    return hex.count == 32 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
}

/// VM PUTs (CONTRACT.md §4.1): the disks they create and attach, and their refusals.
@Suite struct VirtualMachinePlannerTests {
    @Test func aCreateMakesTheOSDiskAndEmptyDataDisks() throws {
        let properties = vmProperties(
            dataDisks: [emptyDataDisk(lun: 0, sizeGB: 32, sku: "PremiumV2_LRS"), emptyDataDisk(lun: 3, sizeGB: 8)])
        let result = try #require(plan(properties).value)
        try #require(result.disksToCreate.count == 3)

        let os = result.disksToCreate[0]
        #expect(isGeneratedOSDiskName(os.name))
        #expect(os.sku == .premiumLRS)
        #expect(os.sizeGB == 127)
        #expect(os.osType == "Linux")
        #expect(os.createOption == "FromImage")
        #expect(os.imageReference?["offer"] == "ubuntu-24_04-lts")

        for (disk, expected) in zip(
            result.disksToCreate.dropFirst(),
            [("vm1_DataDisk_0", DiskSKU.premiumV2LRS, Int64(32)), ("vm1_DataDisk_3", .premiumLRS, 8)])
        {
            #expect(disk.name == expected.0)
            #expect(disk.sku == expected.1)
            #expect(disk.sizeGB == expected.2)
            #expect(disk.createOption == "Empty")
            #expect(disk.osType == nil)
            #expect(disk.imageReference == nil)
        }
        #expect(result.diskIDs == [ID.disk(os.name), ID.disk("vm1_DataDisk_0"), ID.disk("vm1_DataDisk_3")])
    }

    @Test func thePlannedPropertiesDescribeTheDisks() throws {
        let result = try #require(
            plan(vmProperties(dataDisks: [emptyDataDisk(lun: 0, sku: "PremiumV2_LRS")])).value)
        let storage = try #require(result.properties["storageProfile"])
        let os = try #require(storage["osDisk"])
        #expect(os["name"]?.stringValue.map { isGeneratedOSDiskName($0) } == true)
        #expect(os["osType"] == "Linux")
        #expect(os["diskSizeGB"] == 127)
        #expect(os["caching"] == "ReadWrite")
        #expect(os["deleteOption"] == "Detach")
        #expect(os["managedDisk"]?["storageAccountType"] == "Premium_LRS")
        #expect(os["managedDisk"]?["id"]?.stringValue == result.diskIDs.first)
        let data = try #require(storage["dataDisks"]?.arrayValue?.first)
        #expect(data["name"] == "vm1_DataDisk_0")
        #expect(data["caching"] == "None")
        #expect(
            data["managedDisk"] == ["storageAccountType": "PremiumV2_LRS", "id": .string(ID.disk("vm1_DataDisk_0"))])
        #expect(storage["diskControllerType"] == "SCSI")
        #expect(result.properties["vmId"] == "vm-guid")
        #expect(result.properties["timeCreated"] == .string(t0.iso8601))
    }

    @Test func eachCreateGetsItsOwnOSDiskName() throws {
        let a = try #require(plan(vmProperties()).value)
        let b = try #require(plan(vmProperties()).value)
        #expect(a.disksToCreate.first?.name != b.disksToCreate.first?.name)
        #expect(a.disksToCreate.count == 1)
        #expect(a.properties["storageProfile"]?["dataDisks"] == [])
    }

    @Test func secretsAndReadOnlyValuesAreDropped() throws {
        let properties = vmProperties(extras: [
            "osProfile": [
                "computerName": "vm1", "adminUsername": "azureuser", "adminPassword": "P@ssw0rd!",
                "customData": "Y2xvdWQtaW5pdA==", "linuxConfiguration": ["disablePasswordAuthentication": false],
            ],
            "provisioningState": "Succeeded", "vmId": "client-chosen", "userData": "dXNlcg==",
            "securityProfile": ["securityType": "TrustedLaunch"],
        ])
        let result = try #require(plan(properties).value)
        #expect(result.properties["osProfile"]?["adminPassword"] == nil)
        #expect(result.properties["osProfile"]?["customData"] == nil)
        #expect(result.properties["osProfile"]?["adminUsername"] == "azureuser")
        #expect(result.properties["provisioningState"] == nil)
        #expect(result.properties["vmId"] == "vm-guid")
        #expect(result.properties["userData"] == "dXNlcg==")
        #expect(result.properties["securityProfile"]?["securityType"] == "TrustedLaunch")
    }

    static let osTypes: [(JSONObject, JSON, String)] = [
        (["osProfile": ["windowsConfiguration": ["provisionVMAgent": true]]], ["createOption": "FromImage"], "Windows"),
        (["osProfile": ["linuxConfiguration": [:]]], ["createOption": "FromImage"], "Linux"),
        ([:], ["createOption": "FromImage"], "Linux"),
        ([:], ["createOption": "FromImage", "osType": "windows"], "Windows"),
    ]

    @Test(arguments: osTypes)
    func theOSTypeComesFromTheOSDiskTheProfileOrTheImage(extras: JSONObject, osDisk: JSON, osType: String) throws {
        let result = try #require(plan(vmProperties(osDisk: osDisk, extras: extras)).value)
        #expect(result.disksToCreate.first?.osType == osType)
    }

    @Test func aWindowsImageMakesAWindowsDisk() throws {
        var properties = vmProperties()
        properties["storageProfile"] = [
            "imageReference": ["publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022"],
            "osDisk": [
                "createOption": "FromImage", "diskSizeGB": 256, "managedDisk": ["storageAccountType": "premium_lrs"],
            ],
        ]
        let os = try #require(plan(properties).value?.disksToCreate.first)
        #expect(os.osType == "Windows")
        #expect(os.sizeGB == 256)
        #expect(os.sku == .premiumLRS)
    }

    // MARK: Attach

    @Test func attachUsesTheExistingDisk() throws {
        let planner = VirtualMachinePlanner.make(disks: [
            .make(name: "os1", sku: .premiumLRS, sizeGB: 30, osType: "Windows"),
            .make(name: "data1", sku: .ultraSSDLRS, sizeGB: 1024),
        ])
        let result = try #require(
            plan(
                vmProperties(osDisk: attachedDisk("os1"), dataDisks: [attachedDisk("data1", lun: 2)]), planner: planner
            ).value)
        #expect(result.disksToCreate.isEmpty)
        #expect(result.diskIDs == [ID.disk("os1"), ID.disk("data1")])
        let storage = try #require(result.properties["storageProfile"])
        #expect(storage["osDisk"]?["name"] == "os1")
        #expect(storage["osDisk"]?["osType"] == "Windows")
        #expect(storage["osDisk"]?["diskSizeGB"] == 30)
        let data = try #require(storage["dataDisks"]?.arrayValue?.first)
        #expect(data["managedDisk"] == ["storageAccountType": "UltraSSD_LRS", "id": .string(ID.disk("data1"))])
        #expect(data["diskSizeGB"] == 1024)
        #expect(data["lun"] == 2)
    }

    @Test func attachingADiskOwnedByAnotherVMIsRefused() throws {
        let planner = VirtualMachinePlanner.make(disks: [.make(name: "data1", managedBy: ID.vm("vm2"))])
        let refused = try #require(
            plan(vmProperties(dataDisks: [attachedDisk("data1", lun: 0)]), planner: planner).refusal)
        #expect(refused.status == 409)
        #expect(refused.code == "OperationNotAllowed")
        #expect(refused.message.contains("data1"))
        #expect(refused.message.contains(ID.vm("vm2")))
    }

    @Test func aDiskOwnedByThisVMOrShareableMayBeAttached() {
        let planner = VirtualMachinePlanner.make(disks: [
            .make(name: "mine", managedBy: ID.vm("VM1").lowercased()),
            .make(name: "shared", managedBy: ID.vm("vm2"), maxShares: 2),
        ])
        let result = plan(
            vmProperties(dataDisks: [attachedDisk("mine", lun: 0), attachedDisk("shared", lun: 1)]), planner: planner)
        #expect(result.value?.diskIDs.count == 3)
    }

    @Test func attachingAnUnknownDiskIsAnInvalidParameter() throws {
        let refused = try #require(plan(vmProperties(dataDisks: [attachedDisk("ghost", lun: 0)])).refusal)
        #expect(refused.code == "InvalidParameter")
        #expect(refused.target == "properties.storageProfile.dataDisks[0].managedDisk.id")
        #expect(refused.message.contains("ghost"))
    }

    @Test func attachingOneDiskTwiceIsRefused() throws {
        let planner = VirtualMachinePlanner.make(disks: [.make(name: "data1")])
        let refused = try #require(
            plan(
                vmProperties(dataDisks: [attachedDisk("data1", lun: 0), attachedDisk("data1", lun: 1)]),
                planner: planner
            )
            .refusal)
        #expect(refused.target == "properties.storageProfile.dataDisks[1].managedDisk.id")
        #expect(refused.message.contains("listed twice"))
    }

    /// An update that lists the OS disk this VM created keeps it instead of creating another.
    @Test func anUpdateKeepsTheDisksTheVMCreated() throws {
        let first = try #require(plan(vmProperties(dataDisks: [emptyDataDisk(lun: 0)])).value)
        let osName = try #require(first.disksToCreate.first?.name)
        let planner = VirtualMachinePlanner.make(
            existing: first.properties,
            disks: [
                .make(name: osName, sizeGB: 127, managedBy: ID.vm("vm1")),
                .make(name: "vm1_DataDisk_0", sizeGB: 32, managedBy: ID.vm("vm1")),
            ])
        let second = try #require(plan(vmProperties(dataDisks: [emptyDataDisk(lun: 0)]), planner: planner).value)
        #expect(second.disksToCreate.isEmpty)
        #expect(second.diskIDs == first.diskIDs)
    }

    @Test func unmanagedAndEphemeralDisksCreateNothing() throws {
        let properties = vmProperties(
            osDisk: [
                "createOption": "FromImage", "diffDiskSettings": ["option": "Local"],
                "managedDisk": ["storageAccountType": "Standard_LRS"],
            ],
            dataDisks: [["lun": 0, "createOption": "Empty", "vhd": ["uri": "https://a.blob.core.windows.net/v/d.vhd"]]])
        let result = try #require(plan(properties).value)
        #expect(result.disksToCreate.isEmpty)
        #expect(result.diskIDs.isEmpty)
    }

    // MARK: Refusals

    static let refusals: [(String, JSONObject, String)] = [
        (
            "duplicate lun",
            vmProperties(dataDisks: [emptyDataDisk(lun: 1), emptyDataDisk(lun: 1)]),
            "properties.storageProfile.dataDisks[1].lun"
        ),
        ("lun 64", vmProperties(dataDisks: [emptyDataDisk(lun: 64)]), "properties.storageProfile.dataDisks[0].lun"),
        ("lun -1", vmProperties(dataDisks: [emptyDataDisk(lun: -1)]), "properties.storageProfile.dataDisks[0].lun"),
        (
            "no lun", vmProperties(dataDisks: [["createOption": "Empty", "diskSizeGB": 8]]),
            "properties.storageProfile.dataDisks[0].lun"
        ),
        ("not an object", vmProperties(dataDisks: ["disk"]), "properties.storageProfile.dataDisks[0]"),
        (
            "bad data SKU", vmProperties(dataDisks: [emptyDataDisk(lun: 0, sku: "Premium_GRS")]),
            "properties.storageProfile.dataDisks[0].managedDisk.storageAccountType"
        ),
        (
            "bad OS SKU",
            vmProperties(osDisk: ["createOption": "FromImage", "managedDisk": ["storageAccountType": "Turbo_LRS"]]),
            "properties.storageProfile.osDisk.managedDisk.storageAccountType"
        ),
        (
            "no size", vmProperties(dataDisks: [emptyDataDisk(lun: 0, sizeGB: nil)]),
            "properties.storageProfile.dataDisks[0].diskSizeGB"
        ),
        (
            "size 0", vmProperties(dataDisks: [emptyDataDisk(lun: 0, sizeGB: 0)]),
            "properties.storageProfile.dataDisks[0].diskSizeGB"
        ),
        (
            "size 65537", vmProperties(dataDisks: [emptyDataDisk(lun: 0, sizeGB: 65_537)]),
            "properties.storageProfile.dataDisks[0].diskSizeGB"
        ),
        (
            "OS size 0", vmProperties(osDisk: ["createOption": "FromImage", "diskSizeGB": 0]),
            "properties.storageProfile.osDisk.diskSizeGB"
        ),
        (
            "size not a number", vmProperties(dataDisks: [["lun": 0, "createOption": "Empty", "diskSizeGB": "big"]]),
            "properties.storageProfile.dataDisks[0].diskSizeGB"
        ),
        (
            "Restore data disk",
            vmProperties(dataDisks: [["lun": 0, "createOption": "Restore", "diskSizeGB": 8]]),
            "properties.storageProfile.dataDisks[0].createOption"
        ),
        (
            "FromImage data disk",
            vmProperties(dataDisks: [["lun": 0, "createOption": "FromImage", "diskSizeGB": 8]]),
            "properties.storageProfile.dataDisks[0].createOption"
        ),
        (
            "Empty OS disk", vmProperties(osDisk: ["createOption": "Empty", "diskSizeGB": 8]),
            "properties.storageProfile.osDisk.createOption"
        ),
        (
            "Restore OS disk", vmProperties(osDisk: ["createOption": "Restore"]),
            "properties.storageProfile.osDisk.createOption"
        ),
        ("no createOption", vmProperties(osDisk: [:]), "properties.storageProfile.osDisk.createOption"),
        (
            "no vmSize", ["storageProfile": ["osDisk": ["createOption": "FromImage"]]],
            "properties.hardwareProfile.vmSize"
        ),
        ("no storageProfile", ["hardwareProfile": ["vmSize": "Standard_D2s_v5"]], "properties.storageProfile"),
        (
            "no osDisk", ["hardwareProfile": ["vmSize": "Standard_D2s_v5"], "storageProfile": ["dataDisks": []]],
            "properties.storageProfile.osDisk"
        ),
        (
            "bad controller", vmProperties(storageExtras: ["diskControllerType": "IDE"]),
            "properties.storageProfile.diskControllerType"
        ),
    ]

    @Test(arguments: refusals)
    func badBodiesAreInvalidParameters(name: String, properties: JSONObject, target: String) throws {
        let refused = try #require(plan(properties).refusal, "\(name)")
        #expect(refused.status == 400, "\(name)")
        #expect(refused.code == "InvalidParameter", "\(name)")
        #expect(refused.target == target, "\(name): \(refused)")
    }

    @Test func theLargestSizesAndLunsAreAccepted() throws {
        let result = try #require(plan(vmProperties(dataDisks: [emptyDataDisk(lun: 63, sizeGB: 65_536)])).value)
        #expect(result.disksToCreate.last?.name == "vm1_DataDisk_63")
        #expect(result.disksToCreate.last?.sizeGB == 65_536)
    }

    @Test(arguments: ["NVMe", "nvme", "SCSI"])
    func knownControllersAreKept(controller: String) throws {
        let result = try #require(plan(vmProperties(storageExtras: ["diskControllerType": .string(controller)])).value)
        #expect(result.properties["storageProfile"]?["diskControllerType"] == .string(controller))
    }
}
