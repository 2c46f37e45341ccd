import EmuCore
import RestorePointEngine
import Testing

/// Disk PUTs with `createOption: Restore` (CONTRACT.md §5.3, §5.2 "What each state allows").
@Suite struct DiskRestoreTests {
    static let drpID =
        "\(ID.group)/providers/Microsoft.Compute/restorePointCollections/rpc/restorePoints/rp/diskRestorePoints/"
        + "vm1_DataDisk_0_5f1c2d3e"

    static func source(
        _ state: SnapshotAccessState, sku: DiskSKU = .premiumV2LRS, sizeGB: Int64 = 32, inFlight: Int = 0
    ) -> RestoreSource {
        RestoreSource(
            id: drpID, name: "vm1_DataDisk_0_5f1c2d3e", sourceDiskName: "vm1_DataDisk_0", state: state, sku: sku,
            diskSizeGB: sizeGB, osType: nil, logicalSectorSize: sku.isInstantAccessCapable ? 512 : nil,
            restoresInFlight: inFlight)
    }

    static func body(source: String = drpID, sku: String? = nil, sizeGB: Int64? = nil) -> JSONObject {
        var props: JSONObject = ["creationData": ["createOption": "Restore", "sourceResourceId": .string(source)]]
        if let sizeGB { props["diskSizeGB"] = .int(sizeGB) }
        return diskBody(sku: sku, properties: props)
    }

    @Test func pendingRefusesNamingTheStateAndWhatItAllows() throws {
        let refused = try #require(planDisk(Self.body(sku: "PremiumV2_LRS"), restore: Self.source(.pending)).refusal)
        #expect(refused.status == 409)
        #expect(refused.code == "OperationNotAllowed")
        #expect(refused.message.contains("'vm1_DataDisk_0_5f1c2d3e' is Pending"))
        #expect(refused.message.contains("allows no restore, access or copy yet"))
    }

    @Test(arguments: [SnapshotAccessState.instantAccess, .availableWithInstantAccess])
    func fastRestoreNeedsPremiumV2OrUltra(state: SnapshotAccessState) throws {
        for sku in ["PremiumV2_LRS", "UltraSSD_LRS"] {
            let plan = try planDisk(Self.body(sku: sku), restore: Self.source(state)).get()
            #expect(plan.sku.rawValue == sku)
            #expect(plan.properties["diskSizeGB"]?.intValue == 32)
        }
        let refused = try #require(planDisk(Self.body(sku: "Premium_LRS"), restore: Self.source(state)).refusal)
        #expect(refused.status == 400)
        #expect(refused.target == "sku.name")
        #expect(refused.message.contains("not Premium_LRS"))
    }

    @Test func fastRestoreIsNoLargerThanTheSource() throws {
        let refused = try #require(
            planDisk(Self.body(sku: "PremiumV2_LRS", sizeGB: 64), restore: Self.source(.instantAccess)).refusal)
        #expect(refused.status == 400)
        #expect(refused.target == "properties.diskSizeGB")
        #expect(refused.message.contains("(32 GB); 64 GB was given"))
    }

    @Test func availableRestoresToAnySKUAndMayGrow() throws {
        let plan = try planDisk(Self.body(sku: "Premium_LRS", sizeGB: 64), restore: Self.source(.available)).get()
        #expect(plan.sku == .premiumLRS)
        #expect(plan.properties["diskSizeGB"]?.intValue == 64)
        #expect(plan.properties["logicalSectorSize"] == nil)
    }

    @Test func noRestoreIsSmallerThanTheSource() throws {
        let refused = try #require(
            planDisk(Self.body(sku: "Premium_LRS", sizeGB: 16), restore: Self.source(.available)).refusal)
        #expect(refused.target == "properties.diskSizeGB")
    }

    @Test func defaultsComeFromTheSourceAndCreationDataIsKeptAsGiven() throws {
        let plan = try planDisk(Self.body(), restore: Self.source(.instantAccess)).get()
        #expect(plan.sku == .premiumV2LRS)
        #expect(plan.properties["diskSizeGB"]?.intValue == 32)
        #expect(plan.properties["logicalSectorSize"]?.intValue == 512)
        #expect(
            plan.properties["creationData"]
                == ["createOption": "Restore", "sourceResourceId": .string(Self.drpID)])
    }

    @Test func theLimitOfRestoresInFlightIsPerSourceDisk() throws {
        #expect(planDisk(Self.body(), restore: Self.source(.available, inFlight: 14)).refusal == nil)
        let refused = try #require(planDisk(Self.body(), restore: Self.source(.available, inFlight: 15)).refusal)
        #expect(refused.status == 409)
        #expect(refused.code == "OperationNotAllowed")
        #expect(refused.message.contains("vm1_DataDisk_0"))
        #expect(refused.message.contains("limits.restoresInFlightPerDisk"))
        let limits = Limits.make(restoresInFlightPerDisk: 16)
        #expect(planDisk(Self.body(), restore: Self.source(.available, inFlight: 15), limits: limits).refusal == nil)
    }

    @Test func whatEachStateAllows() {
        #expect(SnapshotAccessState.allCases.filter(\.isFastRestore) == [.instantAccess, .availableWithInstantAccess])
        #expect(SnapshotAccessState.allCases.map(\.allowedActions).count == 4)
        #expect(SnapshotAccessState.instantAccess.allowedActions == "allows fast restore only")
    }
}
