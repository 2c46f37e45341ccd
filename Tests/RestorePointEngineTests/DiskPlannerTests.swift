import EmuCore
import RestorePointEngine
import Testing

/// The plan of a disk PUT, or its refusal.
func planDisk(
    _ body: JSONObject, existing: DiskFacts? = nil, existingProperties: JSONObject? = nil,
    restore: RestoreSource? = nil, limits: Limits = Limits()
)
    -> Result<DiskPlan, Refusal>
{
    do throws(EngineError) {
        return .success(
            try DiskPlanner.plan(
                body: body, existing: existing, existingProperties: existingProperties, restore: restore,
                limits: limits))
    } catch {
        return .failure(error.refusal)
    }
}

/// A disk PUT body: `Empty` unless told otherwise.
func diskBody(
    sku: String? = "Premium_LRS",
    properties: JSONObject = ["creationData": ["createOption": "Empty"], "diskSizeGB": 64]
)
    -> JSONObject
{
    var body: JSONObject = ["location": "eastus", "properties": .object(properties)]
    if let sku { body["sku"] = ["name": .string(sku)] }
    return body
}

/// Disk PUTs (CONTRACT.md §4.1): `Empty` creates, updates, and the refusals.
@Suite struct DiskPlannerTests {
    @Test func anEmptyPremiumV2DiskGetsItsDefaults() throws {
        let body = diskBody(
            sku: "premiumv2_lrs",
            properties: [
                "creationData": ["createOption": "Empty"], "diskSizeGB": 64, "provisioningState": "Succeeded",
                "uniqueId": "client", "diskState": "Attached", "timeCreated": "2020-01-01T00:00:00Z",
            ])
        let plan = try #require(planDisk(body).value)
        #expect(plan.sku == .premiumV2LRS)
        let p = plan.properties
        #expect(p["diskSizeGB"] == 64)
        #expect(p["diskSizeBytes"] == .int(64 * gibibyte))
        #expect(p["logicalSectorSize"] == 4096)
        #expect(p["encryption"] == ["type": "EncryptionAtRestWithPlatformKey"])
        #expect(p["networkAccessPolicy"] == "AllowAll")
        #expect(p["publicNetworkAccess"] == "Enabled")
        #expect(p["creationData"] == ["createOption": "Empty"])
        for computed in ["provisioningState", "uniqueId", "diskState", "timeCreated"] {
            #expect(p[computed] == nil, "\(computed)")
        }
    }

    @Test func withoutASKUTheDiskIsStandardAndHasNoSectorSize() throws {
        let plan = try #require(planDisk(diskBody(sku: nil)).value)
        #expect(plan.sku == .standardLRS)
        #expect(plan.properties["logicalSectorSize"] == nil)
    }

    @Test(arguments: [Int64(512), 4096])
    func ultraDisksTakeEitherSectorSize(sector: Int64) throws {
        let plan = try #require(
            planDisk(
                diskBody(
                    sku: "UltraSSD_LRS",
                    properties: [
                        "creationData": ["createOption": "Empty"], "diskSizeGB": 8, "logicalSectorSize": .int(sector),
                    ])
            ).value)
        #expect(plan.properties["logicalSectorSize"] == .int(sector))
    }

    @Test func givenValuesAreKept() throws {
        let plan = try #require(
            planDisk(
                diskBody(properties: [
                    "creationData": ["createOption": "Empty"], "diskSizeGB": "16", "maxShares": 2,
                    "networkAccessPolicy": "DenyAll", "osType": "Linux",
                ])
            ).value)
        #expect(plan.properties["diskSizeGB"] == 16)
        #expect(plan.properties["maxShares"] == 2)
        #expect(plan.properties["networkAccessPolicy"] == "DenyAll")
        #expect(plan.properties["osType"] == "Linux")
    }

    static let refusals: [(String, JSONObject, String)] = [
        ("bad SKU", diskBody(sku: "Premium_GRS"), "sku.name"),
        ("no createOption", diskBody(properties: ["diskSizeGB": 8]), "properties.creationData.createOption"),
        (
            "Empty without a size", diskBody(properties: ["creationData": ["createOption": "Empty"]]),
            "properties.diskSizeGB"
        ),
        (
            "Empty of 0 GB", diskBody(properties: ["creationData": ["createOption": "Empty"], "diskSizeGB": 0]),
            "properties.diskSizeGB"
        ),
        (
            "Empty of 65537 GB",
            diskBody(properties: ["creationData": ["createOption": "Empty"], "diskSizeGB": 65_537]),
            "properties.diskSizeGB"
        ),
        (
            "size not a number",
            diskBody(properties: ["creationData": ["createOption": "Empty"], "diskSizeGB": ["n": 1]]),
            "properties.diskSizeGB"
        ),
        (
            "Restore",
            diskBody(properties: [
                "creationData": [
                    "createOption": "Restore",
                    "sourceResourceId": .string(
                        "\(ID.group)/providers/Microsoft.Compute/restorePointCollections/rpc/restorePoints/rp/"
                            + "diskRestorePoints/d_1"),
                ]
            ]),
            "properties.creationData.sourceResourceId"
        ),
        (
            "Restore without a source", diskBody(properties: ["creationData": ["createOption": "Restore"]]),
            "properties.creationData.sourceResourceId"
        ),
        (
            "Copy", diskBody(properties: ["creationData": ["createOption": "Copy"], "diskSizeGB": 8]),
            "properties.creationData.createOption"
        ),
        (
            "maxShares 0",
            diskBody(properties: ["creationData": ["createOption": "Empty"], "diskSizeGB": 8, "maxShares": 0]),
            "properties.maxShares"
        ),
        (
            "sector 1024",
            diskBody(
                sku: "PremiumV2_LRS",
                properties: ["creationData": ["createOption": "Empty"], "diskSizeGB": 8, "logicalSectorSize": 1024]),
            "properties.logicalSectorSize"
        ),
        ("properties not an object", ["sku": ["name": "Premium_LRS"], "properties": "x"], "properties"),
    ]

    @Test(arguments: refusals)
    func badBodiesAreInvalidParameters(name: String, body: JSONObject, target: String) throws {
        let refused = try #require(planDisk(body).refusal, "\(name)")
        #expect(refused.status == 400, "\(name)")
        #expect(refused.code == "InvalidParameter", "\(name)")
        #expect(refused.target == target, "\(name): \(refused)")
    }

    /// A Restore whose source the app did not find names it (CONTRACT.md §5.3).
    @Test func restoreOfAMissingSourceNamesIt() throws {
        let source = "\(ID.group)/providers/Microsoft.Compute/restorePointCollections/rpc/restorePoints/rp/x"
        let refused = try #require(planDisk(DiskRestoreTests.body(source: source)).refusal)
        #expect(refused.message.contains(source))
        #expect(refused.target == "properties.creationData.sourceResourceId")
        // A resolved source with another id is not this one.
        let other = DiskRestoreTests.source(.available)
        #expect(planDisk(DiskRestoreTests.body(source: source), restore: other).refusal?.code == "InvalidParameter")
    }

    // MARK: Updates

    static let existing = DiskFacts.make(name: "disk1", sku: .premiumLRS, sizeGB: 64)

    static func existingProperties() throws -> JSONObject {
        try #require(planDisk(diskBody()).value).properties
    }

    @Test func anUpdateMayGrowTheDiskAndKeepsTheRest() throws {
        let old = try Self.existingProperties()
        let plan = try #require(
            planDisk(
                ["properties": ["diskSizeGB": 128]], existing: Self.existing, existingProperties: old
            ).value)
        #expect(plan.sku == .premiumLRS)
        #expect(plan.properties["diskSizeGB"] == 128)
        #expect(plan.properties["diskSizeBytes"] == .int(128 * gibibyte))
        #expect(plan.properties["creationData"] == ["createOption": "Empty"])
    }

    @Test func anUpdateWithoutASizeKeepsTheSize() throws {
        let plan = try #require(
            planDisk(
                ["sku": ["name": "StandardSSD_LRS"], "properties": ["burstingEnabled": true]], existing: Self.existing,
                existingProperties: try Self.existingProperties()
            ).value)
        #expect(plan.sku == .standardSSDLRS)
        #expect(plan.properties["diskSizeGB"] == 64)
        #expect(plan.properties["burstingEnabled"] == true)
    }

    @Test func anUpdateMayNotShrinkTheDisk() throws {
        let refused = try #require(
            planDisk(
                ["properties": ["diskSizeGB": 32]], existing: Self.existing,
                existingProperties: try Self.existingProperties()
            ).refusal)
        #expect(refused.code == "InvalidParameter")
        #expect(refused.target == "properties.diskSizeGB")
        #expect(refused.message.contains("32 GB is less than the current 64 GB"))
    }

    @Test func anUpdateMayNotChangeCreationData() throws {
        let old = try Self.existingProperties()
        let refused = try #require(
            planDisk(
                ["properties": ["creationData": ["createOption": "Copy"]]], existing: Self.existing,
                existingProperties: old
            ).refusal)
        #expect(refused.code == "PropertyChangeNotAllowed")
        #expect(refused.target == "creationData")
        let same = planDisk(
            ["properties": ["creationData": ["createOption": "Empty"]]], existing: Self.existing,
            existingProperties: old)
        #expect(same.value != nil)
    }
}

/// Restore point collection writes (CONTRACT.md §4.2).
@Suite struct CollectionRulesTests {
    static let vm = ID.vm("vm1")

    @Test func unchangedOrAbsentValuesAreAccepted() throws {
        try CollectionRules.checkUpdate(
            existingLocation: "eastus", existingSourceID: Self.vm, newLocation: nil, newSourceID: nil)
        try CollectionRules.checkUpdate(
            existingLocation: "eastus2", existingSourceID: Self.vm, newLocation: "East US 2",
            newSourceID: Self.vm.uppercased())
    }

    @Test func changingTheLocationIsNotAllowed() {
        let refused = refusal {
            () throws(EngineError) in
            try CollectionRules.checkUpdate(
                existingLocation: "eastus", existingSourceID: Self.vm, newLocation: "westus", newSourceID: Self.vm)
        }
        #expect(refused?.code == "PropertyChangeNotAllowed")
        #expect(refused?.message == "Changing property 'location' is not allowed.")
    }

    @Test func changingTheSourceIsNotAllowed() {
        let refused = refusal {
            () throws(EngineError) in
            try CollectionRules.checkUpdate(
                existingLocation: "eastus", existingSourceID: Self.vm, newLocation: "eastus",
                newSourceID: ID.vm("vm2"))
        }
        #expect(refused?.code == "PropertyChangeNotAllowed")
        #expect(refused?.message == "Changing property 'source.id' is not allowed.")
    }

    @Test func theCountLimitIsPerRegion() throws {
        try CollectionRules.checkCount(9_999, limits: .make(), location: "eastus")
        let refused = refusal { () throws(EngineError) in
            try CollectionRules.checkCount(10_000, limits: .make(), location: "eastus")
        }
        #expect(refused?.status == 409)
        #expect(refused?.code == "OperationNotAllowed")
        #expect(refused?.message.contains("10000") == true)
        #expect(refused?.message.contains("'eastus'") == true)
    }

    @Test func theCountLimitIsConfigurable() throws {
        let limits = Limits.make(restorePointCollectionsPerRegion: 2)
        try CollectionRules.checkCount(1, limits: limits, location: "eastus")
        let refused = refusal { () throws(EngineError) in
            try CollectionRules.checkCount(2, limits: limits, location: "eastus")
        }
        #expect(refused?.message.contains("the limit is 2") == true)
    }

    @Test(arguments: [
        ("East US 2", "eastus2"), ("eastus2", "eastus2"), ("EASTUS", "eastus"), (" West Europe ", "westeurope"),
        ("East US 2 EUAP", "eastus2euap"),
    ])
    func regionsAreNormalised(location: String, normalised: String) {
        #expect(CollectionRules.normalize(location) == normalised)
    }
}

/// Managed disk SKU names.
@Suite struct DiskSKUTests {
    @Test func namesParseInAnyCase() {
        #expect(DiskSKU(name: "premiumv2_lrs") == .premiumV2LRS)
        #expect(DiskSKU(name: "ULTRASSD_LRS") == .ultraSSDLRS)
        #expect(DiskSKU(name: "Premium_LRS") == .premiumLRS)
        #expect(DiskSKU(name: "Premium") == nil)
        #expect(DiskSKU(name: "") == nil)
    }

    @Test func onlyPremiumV2AndUltraHaveInstantAccess() {
        let capable = DiskSKU.allCases.filter(\.isInstantAccessCapable)
        #expect(capable == [.premiumV2LRS, .ultraSSDLRS])
        #expect(DiskSKU.allCases.count == 7)
    }

    @Test func tiers() {
        #expect(
            DiskSKU.allCases.map(\.tier) == [
                "Standard", "StandardSSD", "Premium", "PremiumV2", "Ultra", "Premium", "StandardSSD",
            ])
    }
}
