import EmuCore
import RestorePointEngine
import Testing

/// The refusal of `check`, or nil when the request passes.
func check(_ request: RestorePointRequest, limits: Limits = .make()) -> Refusal? {
    refusal { () throws(EngineError) in _ = try RestorePointRules.check(request, limits: limits) }
}

/// One refusal a rule of CONTRACT.md §7 makes: the request, and what must come back.
struct RuleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var request: RestorePointRequest
    var limits: Limits = .make()
    var status: Int
    var code: String
    var target: String? = nil
    /// Texts the message must contain.
    var message: [String]

    var testDescription: String { name }
}

private let premiumOnly = SourceVM.make(disks: [.makeOS(), .make(sku: .premiumLRS)])
private let stray = ID.disk("not-attached")

/// Each rule fires with its own status, code, message and target.
@Suite struct RestorePointRulesTests {
    static let cases: [RuleCase] = [
        .init(
            name: "1 PV2 on an old api-version", request: .make(hasInstantAccessAPI: false), status: 400,
            code: "OperationNotAllowed", message: ["vm1_DataDisk_0", "api-version 2025-04-01 or later"]),
        .init(
            name: "1 Ultra on an old api-version",
            request: .make(
                hasInstantAccessAPI: false, collectionInstantAccess: false,
                vm: .make(disks: [.makeOS(), .make(sku: .ultraSSDLRS)])),
            status: 400, code: "OperationNotAllowed",
            message: ["UltraSSD_LRS", "api-version 2025-04-01 or later"]),
        .init(
            name: "2 Intel v6", request: .make(vm: .make(vmSize: "Standard_D2s_v6")), status: 400,
            code: "OperationNotAllowed", message: ["Standard_D2s_v6"]),
        .init(
            name: "2 AMD v7", request: .make(collectionInstantAccess: false, vm: .make(vmSize: "Standard_F4alds_v7")),
            status: 400, code: "OperationNotAllowed", message: ["Standard_F4alds_v7"]),
        .init(
            name: "2 IA collection, Premium disks only",
            request: .make(vm: .make(vmSize: "Standard_E4ds_v6", disks: premiumOnly.disks)), status: 400,
            code: "OperationNotAllowed", message: ["Standard_E4ds_v6"]),
        .init(
            name: "2 NVMe", request: .make(vm: .make(diskControllerType: "nvme")), status: 400,
            code: "OperationNotAllowed", message: ["NVMe"]),
        .init(
            name: "3 TrustedLaunch", request: .make(vm: .make(securityType: "TrustedLaunch")), status: 400,
            code: "OperationNotAllowed", message: ["TrustedLaunch"]),
        .init(
            name: "3 ConfidentialVM", request: .make(vm: .make(securityType: "confidentialVM")), status: 400,
            code: "OperationNotAllowed", message: ["confidentialVM"]),
        .init(
            name: "4 unmanaged", request: .make(vm: .make(disks: [.makeOS(sku: nil, isManaged: false), .make()])),
            status: 400, code: "VMRestorePointClientError", message: ["unmanaged"]),
        .init(
            name: "4 ephemeral", request: .make(vm: .make(disks: [.makeOS(sku: nil, isEphemeral: true), .make()])),
            status: 400, code: "VMRestorePointClientError", message: ["ephemeral OS disk"]),
        .init(
            name: "4 shared", request: .make(vm: .make(disks: [.makeOS(), .make(maxShares: 2)])), status: 400,
            code: "VMRestorePointClientError", message: ["vm1_DataDisk_0", "shared"]),
        .init(
            name: "5 excludeDisks not attached", request: .make(excludeDiskIDs: [stray]), status: 400,
            code: "InvalidParameter", target: "excludeDisks", message: [stray]),
        .init(
            name: "6 below 60", request: .make(instantAccessMinutes: 59), status: 400, code: "InvalidParameter",
            target: "properties.instantAccessDurationMinutes", message: ["between 60 and 300", "59"]),
        .init(
            name: "6 above 300", request: .make(instantAccessMinutes: 301), status: 400, code: "InvalidParameter",
            target: "properties.instantAccessDurationMinutes", message: ["between 60 and 300", "301"]),
        .init(
            name: "7 VM gone", request: .make(vm: nil), status: 409, code: "OperationNotAllowed",
            message: ["no longer exists"]),
        .init(
            name: "8 concurrent create", request: .make(creatingOnVM: 1), status: 409,
            code: "VMRestorePointClientError",
            message: [
                "RestorePoint creation failed since a concurrent 'Create RestorePoint' operation was triggered on the VM."
            ]),
        .init(
            name: "9 concurrent IA in the region", request: .make(instantAccessCreatingInRegion: 50), status: 409,
            code: "OperationNotAllowed", message: ["50", "limits.concurrentInstantAccess", "eastus"]),
        .init(
            name: "10 points per VM", request: .make(pointsOnVM: 500), status: 409,
            code: "VMRestorePointClientError", message: ["500", "limits.restorePointsPerVm"]),
        .init(
            name: "11 IA region list", request: .make(location: "eastus"),
            limits: .make(instantAccessRegions: ["eastus2euap"]), status: 400, code: "OperationNotAllowed",
            message: ["eastus", "eastus2euap", "limits.instantAccessRegions"]),
    ]

    @Test(arguments: cases)
    func eachRuleFiresWithItsOwnRefusal(rule: RuleCase) throws {
        let refused = try #require(check(rule.request, limits: rule.limits))
        #expect(refused.status == rule.status)
        #expect(refused.code == rule.code)
        #expect(refused.target == rule.target)
        for text in rule.message { #expect(refused.message.contains(text), "\(refused.message)") }
    }

    @Test func rule4TellsHowToExcludeTheDisk() throws {
        let refused = try #require(check(.make(vm: .make(disks: [.makeOS(), .make(maxShares: 3)]))))
        #expect(
            refused.message
                == "Disk 'vm1_DataDisk_0' is a shared disk, which is not supported. You may exclude this disk from the "
                + "restore point via excludeDisks property.")
    }

    @Test func rule8HasAzuresExactMessage() throws {
        let refused = try #require(check(.make(creatingOnVM: 2)))
        #expect(
            refused.message
                == "RestorePoint creation failed since a concurrent 'Create RestorePoint' operation was triggered on the VM."
        )
    }

    @Test func aValidRequestIncludesEveryDisk() throws {
        let included = try RestorePointRules.check(.make(), limits: .make())
        #expect(included == SourceVM.make().disks)
    }

    @Test(arguments: [Int64(60), 61, 120, 300])
    func instantAccessMinutesInsideTheRangeAreAccepted(minutes: Int64) {
        #expect(check(.make(instantAccessMinutes: minutes)) == nil)
    }

    @Test func limitsJustBelowTheirValuesAreAccepted() {
        #expect(check(.make(instantAccessCreatingInRegion: 49)) == nil)
        #expect(check(.make(pointsOnVM: 499)) == nil)
        #expect(check(.make(creatingOnVM: 0)) == nil)
    }

    /// Rule 9 counts only instant access restore points: a collection without IA, or an RP without PV2/Ultra disks.
    @Test func rule9OnlyAppliesToInstantAccessRestorePoints() {
        #expect(check(.make(collectionInstantAccess: false, instantAccessCreatingInRegion: 50)) == nil)
        #expect(check(.make(vm: premiumOnly, instantAccessCreatingInRegion: 50)) == nil)
    }

    /// Rule 11 too: outside the IA regions, restore points without instant access are still made.
    @Test func rule11OnlyAppliesToInstantAccessRestorePoints() {
        let limits = Limits.make(instantAccessRegions: ["eastus2euap"])
        #expect(check(.make(collectionInstantAccess: false, location: "eastus"), limits: limits) == nil)
        #expect(check(.make(location: "eastus", vm: premiumOnly), limits: limits) == nil)
        #expect(check(.make(location: "East US 2 EUAP"), limits: limits) == nil)
        #expect(check(.make(location: "eastus2euap"), limits: limits) == nil)
    }

    @Test(arguments: ["trustedlaunch", "TRUSTEDLAUNCH", "ConfidentialVM"])
    func rule3IgnoresCase(security: String) {
        #expect(check(.make(vm: .make(securityType: security)))?.code == "OperationNotAllowed")
    }

    @Test(arguments: ["Standard", "", nil] as [String?])
    func otherSecurityTypesAreAccepted(security: String?) {
        #expect(check(.make(vm: .make(securityType: security))) == nil)
    }

    @Test(arguments: ["SCSI", "scsi", nil] as [String?])
    func scsiOrNoControllerIsAccepted(controller: String?) {
        #expect(check(.make(vm: .make(diskControllerType: controller))) == nil)
    }

    // MARK: consistencyMode

    @Test(arguments: ["CrashConsistent", "crashconsistent", "CRASHCONSISTENT", nil] as [String?])
    func onlyCrashConsistentIsAcceptedInAnyCase(mode: String?) {
        #expect(check(.make(consistencyMode: mode)) == nil)
    }

    @Test(arguments: ["ApplicationConsistent", "FileSystemConsistent", "", "Crash"])
    func otherConsistencyModesAreInvalid(mode: String) throws {
        let refused = try #require(check(.make(consistencyMode: mode)))
        #expect(refused.status == 400)
        #expect(refused.code == "InvalidParameter")
        #expect(refused.target == "properties.consistencyMode")
        #expect(refused.message.contains("'\(mode)'"))
        #expect(refused.message.contains("CrashConsistent"))
    }

    // MARK: excludeDisks

    @Test func excludeDisksRemovesDisksCaseInsensitively() throws {
        let vm = SourceVM.make(disks: [.makeOS(), .make(), .make(name: "vm1_DataDisk_1", sku: .premiumLRS, lun: 1)])
        let included = try RestorePointRules.check(
            .make(vm: vm, excludeDiskIDs: [ID.disk("VM1_DATADISK_0").uppercased()]), limits: .make())
        #expect(included.map(\.name) == ["vm1_OsDisk_1_0123456789abcdef0123456789abcdef", "vm1_DataDisk_1"])
    }

    @Test func excludingEveryDiskLeavesNone() throws {
        let vm = SourceVM.make()
        let included = try RestorePointRules.check(.make(vm: vm, excludeDiskIDs: vm.disks.map(\.id)), limits: .make())
        #expect(included.isEmpty)
    }

    /// Each of rules 1–4 passes once the disk it objects to is excluded.
    @Test(arguments: [
        ("1", RestorePointRequest.make(hasInstantAccessAPI: false, collectionInstantAccess: false)),
        ("2", .make(collectionInstantAccess: false, vm: .make(vmSize: "Standard_D2s_v6"))),
        ("2 NVMe", .make(collectionInstantAccess: false, vm: .make(diskControllerType: "NVMe"))),
        ("3", .make(collectionInstantAccess: false, vm: .make(securityType: "TrustedLaunch"))),
        ("4 shared", .make(vm: .make(disks: [.makeOS(), .make(sku: .premiumLRS, maxShares: 2)]))),
        (
            "4 unmanaged",
            .make(
                vm: .make(disks: [
                    .makeOS(), .make(id: "https://acct.blob.core.windows.net/vhds/d.vhd", sku: nil, isManaged: false),
                ]))
        ),
    ])
    func excludingTheObjectionableDiskPasses(rule: String, request: RestorePointRequest) throws {
        #expect(check(request) != nil, "rule \(rule) must fire first")
        var excluded = request
        excluded.excludeDiskIDs = [try #require(request.vm?.disks.last?.id)]
        #expect(check(excluded) == nil, "rule \(rule)")
    }

    /// Rules 2 and 3 apply only to restore points with PV2/Ultra disks or of IA collections.
    @Test func aNonInstantAccessCollectionOfPremiumDisksOnAV6VMIsAllowed() throws {
        let vm = SourceVM.make(
            vmSize: "Standard_D2s_v6", diskControllerType: "NVMe", securityType: "TrustedLaunch",
            disks: premiumOnly.disks)
        let included = try RestorePointRules.check(.make(collectionInstantAccess: false, vm: vm), limits: .make())
        #expect(included.count == 2)
    }

    // MARK: Configurable limits

    @Test func limitsAreConfigurable() {
        let limits = Limits.make(
            instantAccessMinutes: 1...300, concurrentInstantAccess: 2, restorePointsPerVm: 3,
            instantAccessRegions: ["eastus2euap"])
        let here = "eastus2euap"
        #expect(check(.make(location: here, instantAccessCreatingInRegion: 1), limits: limits) == nil)
        #expect(
            check(.make(location: here, instantAccessCreatingInRegion: 2), limits: limits)?.message.contains(
                "the limit is 2") == true)
        #expect(check(.make(location: here, pointsOnVM: 2), limits: limits) == nil)
        #expect(check(.make(location: here, pointsOnVM: 3), limits: limits)?.message.contains("limit of 3") == true)
        #expect(check(.make(location: here, instantAccessMinutes: 1), limits: limits) == nil)
        #expect(check(.make(location: here, instantAccessMinutes: 59), limits: limits) == nil)
        #expect(
            check(.make(location: here, instantAccessMinutes: 0), limits: limits)?.message.contains("between 1 and 300")
                == true)
        #expect(check(.make(location: "westus"), limits: limits)?.message.contains("westus") == true)
    }
}

/// When a request breaks two rules, the one earlier in CONTRACT.md §7 wins.
@Suite struct RestorePointRuleOrderTests {
    static let pairs: [(String, RestorePointRequest, Limits, String)] = [
        (
            "consistencyMode before 1", .make(hasInstantAccessAPI: false, consistencyMode: "ApplicationConsistent"),
            .make(), "consistencyMode"
        ),
        (
            "1 before 2", .make(hasInstantAccessAPI: false, vm: .make(vmSize: "Standard_D2s_v6")), .make(),
            "api-version"
        ),
        (
            "2 before 3", .make(vm: .make(vmSize: "Standard_D2as_v7", securityType: "TrustedLaunch")), .make(),
            "Standard_D2as_v7"
        ),
        (
            "2 NVMe before 3", .make(vm: .make(diskControllerType: "NVMe", securityType: "TrustedLaunch")), .make(),
            "NVMe"
        ),
        (
            "3 before 4", .make(vm: .make(securityType: "TrustedLaunch", disks: [.makeOS(), .make(maxShares: 2)])),
            .make(), "TrustedLaunch"
        ),
        (
            "4 before 5", .make(vm: .make(disks: [.makeOS(), .make(maxShares: 2)]), excludeDiskIDs: [stray]),
            .make(), "shared disk"
        ),
        ("5 before 6", .make(excludeDiskIDs: [stray], instantAccessMinutes: 10), .make(), "not attached"),
        ("6 before 7", .make(vm: nil, instantAccessMinutes: 10), .make(), "instantAccessDurationMinutes"),
        ("7 before 8", .make(vm: nil, creatingOnVM: 1), .make(), "no longer exists"),
        ("8 before 9", .make(creatingOnVM: 1, instantAccessCreatingInRegion: 50), .make(), "'Create RestorePoint'"),
        (
            "9 before 10", .make(instantAccessCreatingInRegion: 50, pointsOnVM: 500), .make(),
            "limits.concurrentInstantAccess"
        ),
        (
            "10 before 11", .make(pointsOnVM: 500), .make(instantAccessRegions: ["eastus2euap"]),
            "limits.restorePointsPerVm"
        ),
    ]

    @Test(arguments: pairs)
    func theEarlierRuleWins(name: String, request: RestorePointRequest, limits: Limits, expected: String) throws {
        let refused = try #require(check(request, limits: limits))
        #expect(refused.message.contains(expected), "\(name): \(refused)")
    }

    /// Fixing the first refusal reveals the second: both rules really were broken.
    @Test(arguments: pairs)
    func bothRulesAreReallyBroken(name: String, request: RestorePointRequest, limits: Limits, expected: String) {
        var fixed = request
        switch name {
        case "consistencyMode before 1": fixed.consistencyMode = nil
        case "1 before 2": fixed.hasInstantAccessAPI = true
        case "2 before 3", "2 NVMe before 3": fixed.vm?.vmSize = "Standard_D2s_v5"; fixed.vm?.diskControllerType = nil
        case "3 before 4": fixed.vm?.securityType = nil
        case "4 before 5": fixed.vm?.disks[1].maxShares = 1
        case "5 before 6": fixed.excludeDiskIDs = []
        case "6 before 7": fixed.instantAccessMinutes = nil
        case "7 before 8": fixed.vm = .make()
        case "8 before 9": fixed.creatingOnVM = 0
        case "9 before 10": fixed.instantAccessCreatingInRegion = 0
        case "10 before 11": fixed.pointsOnVM = 0
        default: Issue.record("unknown pair \(name)")
        }
        let second = check(fixed, limits: limits)
        #expect(second != nil, "\(name)")
        #expect(second.map { !$0.message.contains(expected) } == true, "\(name)")
    }
}
