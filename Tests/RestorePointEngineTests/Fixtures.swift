import EmuCore
import RestorePointEngine

/// 2026-04-24T10:00:00Z: `t0` of most tests (a restore point's `timeCreated`).
let t0 = Timestamp(ticks: 1_777_024_800 * Timestamp.ticksPerSecond)

let gibibyte: Int64 = 1_073_741_824
let mebibyte: Int64 = 1_048_576

extension Timestamp {
    /// `self` moved by whole seconds and ticks (100 ns), to probe both sides of a boundary.
    func plus(_ seconds: Double = 0, ticks: Int64 = 0) -> Timestamp {
        Timestamp(ticks: adding(seconds: seconds).ticks + ticks)
    }
}

/// ARM ids of the fixtures' resources.
enum ID {
    static let subscription = "00000000-0000-0000-0000-0000000000aa"
    static let group = "/subscriptions/\(subscription)/resourceGroups/rg1"

    static func disk(_ name: String) -> String { "\(group)/providers/Microsoft.Compute/disks/\(name)" }
    static func vm(_ name: String) -> String { "\(group)/providers/Microsoft.Compute/virtualMachines/\(name)" }
}

// MARK: - Refusals

/// An engine error as the app renders it: status, code, target and message (EngineError's documented mapping).
struct Refusal: Error, Equatable, CustomStringConvertible {
    var status: Int
    var code: String
    var target: String?
    var message: String

    var description: String { "\(status) \(code) [\(target ?? "-")] \(message)" }
}

extension EngineError {
    var refusal: Refusal {
        switch self {
        case .invalidParameter(let message, let target):
            Refusal(status: 400, code: "InvalidParameter", target: target, message: message)
        case .locationRequired:
            Refusal(status: 400, code: "LocationRequired", target: "location", message: "")
        case .propertyChangeNotAllowed(let property):
            Refusal(
                status: 400, code: "PropertyChangeNotAllowed", target: property,
                message: "Changing property '\(property)' is not allowed.")
        case .operationNotAllowed(let message):
            Refusal(status: 409, code: "OperationNotAllowed", target: nil, message: message)
        case .limitReached(let code, let message):
            Refusal(status: 409, code: code, target: nil, message: message)
        case .refused(let status, let code, let message):
            Refusal(status: status, code: code, target: nil, message: message)
        case .throttled(let message, _):
            Refusal(status: 429, code: "TooManyRequests", target: nil, message: message)
        }
    }
}

/// The refusal `body` throws, or nil when it succeeds.
func refusal(_ body: () throws(EngineError) -> Void) -> Refusal? {
    do {
        try body()
        return nil
    } catch {
        return error.refusal
    }
}

// MARK: - Configuration

extension Timings {
    static func make(
        resourceCreate: Double = 2, delete: Double = 2, restorePointCreate: Double = 15, copyMiBps: Double = 25,
        copyMinimum: Double = 60, churnPercentPerHour: Double = 1, crossRegionMiBps: Double = 50,
        replicationReportInterval: Double = 600
    ) -> Timings {
        var t = Timings()
        t.resourceCreate = resourceCreate
        t.delete = delete
        t.restorePointCreate = restorePointCreate
        t.copyMiBps = copyMiBps
        t.copyMinimum = copyMinimum
        t.churnPercentPerHour = churnPercentPerHour
        t.crossRegionMiBps = crossRegionMiBps
        t.replicationReportInterval = replicationReportInterval
        return t
    }
}

extension Limits {
    static func make(
        restorePointCollectionsPerRegion: Int = 10_000, instantAccessMinutes: ClosedRange<Int64> = 60...300,
        concurrentInstantAccess: Int = 50, restorePointsPerVm: Int = 500, restoresInFlightPerDisk: Int = 15,
        instantAccessRegions: [String] = []
    ) -> Limits {
        var l = Limits()
        l.restorePointCollectionsPerRegion = restorePointCollectionsPerRegion
        l.instantAccessMinutes = instantAccessMinutes
        l.concurrentInstantAccess = concurrentInstantAccess
        l.restorePointsPerVm = restorePointsPerVm
        l.restoresInFlightPerDisk = restoresInFlightPerDisk
        l.instantAccessRegions = instantAccessRegions
        return l
    }
}

// MARK: - States

extension DiskRestorePointFacts {
    /// A disk restore point; `instantAccess` defaults to what the SKU allows (an IA collection), `sizeBytes` to
    /// the whole disk.
    static func make(
        name: String = "vm1_DataDisk_0_5f1c2d3e-0000-4000-8000-000000000001", sourceDiskName: String = "vm1_DataDisk_0",
        sku: DiskSKU = .premiumV2LRS, diskSizeGB: Int64 = 32, sizeBytes: Int64? = nil, isOSDisk: Bool = false,
        lun: Int64? = 0, copySeconds: Double = 1200, instantAccess: Bool? = nil, replication: Replication? = nil
    ) -> DiskRestorePointFacts {
        DiskRestorePointFacts(
            name: name, sourceResourceID: ID.disk(sourceDiskName), sourceDiskName: sourceDiskName,
            sourceUniqueID: "7a9b1c2d-0000-4000-8000-000000000002", sku: sku, diskSizeGB: diskSizeGB,
            sizeBytes: sizeBytes ?? diskSizeGB * gibibyte, familyID: "family-\(sourceDiskName)",
            osType: isOSDisk ? "Linux" : nil, isOSDisk: isOSDisk, lun: isOSDisk ? nil : lun,
            logicalSectorSize: sku.isInstantAccessCapable ? 4096 : nil, copySeconds: copySeconds,
            instantAccess: instantAccess ?? sku.isInstantAccessCapable, replication: replication)
    }

    /// The Premium SSD OS disk of `vm1`.
    static func makeOS(
        sku: DiskSKU = .premiumLRS, diskSizeGB: Int64 = 127, copySeconds: Double = 60, instantAccess: Bool? = nil
    ) -> DiskRestorePointFacts {
        make(
            name: "vm1_OsDisk_1_0123456789abcdef0123456789abcdef_5f1c2d3e-0000-4000-8000-000000000003",
            sourceDiskName: "vm1_OsDisk_1_0123456789abcdef0123456789abcdef", sku: sku, diskSizeGB: diskSizeGB,
            isOSDisk: true, copySeconds: copySeconds, instantAccess: instantAccess)
    }
}

extension RestorePointFacts {
    /// A restore point created at `t0` (15 s to create, 120 minutes of instant access) with one PV2 data disk.
    static func make(
        startedAt: Timestamp = t0, timeCreated: Timestamp? = nil, createSeconds: Double = 15,
        instantAccessMinutes: Int64 = 120, collectionInstantAccess: Bool = true, failure: Failure? = nil,
        disks: [DiskRestorePointFacts] = [.make()]
    ) -> RestorePointFacts {
        RestorePointFacts(
            startedAt: startedAt, timeCreated: timeCreated ?? startedAt, createSeconds: createSeconds,
            instantAccessMinutes: instantAccessMinutes, collectionInstantAccess: collectionInstantAccess,
            failure: failure, disks: disks)
    }
}

// MARK: - Rules

extension SourceDisk {
    static func make(
        name: String = "vm1_DataDisk_0", id: String? = nil, sku: DiskSKU? = .premiumV2LRS, isManaged: Bool = true,
        isEphemeral: Bool = false, maxShares: Int64 = 1, isOSDisk: Bool = false, lun: Int64? = 0
    ) -> SourceDisk {
        SourceDisk(
            id: id ?? ID.disk(name), name: name, sku: sku, isManaged: isManaged, isEphemeral: isEphemeral,
            maxShares: maxShares, isOSDisk: isOSDisk, lun: isOSDisk ? nil : lun)
    }

    /// `vm1`'s OS disk.
    static func makeOS(
        sku: DiskSKU? = .premiumLRS, isManaged: Bool = true, isEphemeral: Bool = false
    ) -> SourceDisk {
        make(
            name: "vm1_OsDisk_1_0123456789abcdef0123456789abcdef", sku: sku, isManaged: isManaged,
            isEphemeral: isEphemeral, isOSDisk: true)
    }
}

extension SourceVM {
    /// A supported VM (`Standard_D2s_v5`, SCSI, no security type) with a Premium OS disk and a PV2 data disk.
    static func make(
        vmSize: String = "Standard_D2s_v5", diskControllerType: String? = "SCSI", securityType: String? = nil,
        disks: [SourceDisk] = [.makeOS(), .make()]
    ) -> SourceVM {
        SourceVM(vmSize: vmSize, diskControllerType: diskControllerType, securityType: securityType, disks: disks)
    }
}

extension RestorePointRequest {
    /// A request every rule accepts: CRP 2025-04-01, an IA collection in `eastus`, the default VM.
    static func make(
        hasInstantAccessAPI: Bool = true, collectionInstantAccess: Bool = true, location: String = "eastus",
        vm: SourceVM? = SourceVM.make(), excludeDiskIDs: [String] = [], instantAccessMinutes: Int64? = nil,
        consistencyMode: String? = nil, creatingOnVM: Int = 0, instantAccessCreatingInRegion: Int = 0,
        pointsOnVM: Int = 0
    ) -> RestorePointRequest {
        RestorePointRequest(
            hasInstantAccessAPI: hasInstantAccessAPI, collectionInstantAccess: collectionInstantAccess,
            location: location, vm: vm, excludeDiskIDs: excludeDiskIDs, instantAccessMinutes: instantAccessMinutes,
            consistencyMode: consistencyMode, creatingOnVM: creatingOnVM,
            instantAccessCreatingInRegion: instantAccessCreatingInRegion, pointsOnVM: pointsOnVM)
    }
}

// MARK: - Planners

extension DiskFacts {
    /// An existing managed disk in `rg1`, attached to nothing unless `managedBy` is given.
    static func make(
        name: String = "disk1", sku: DiskSKU = .premiumLRS, sizeGB: Int64 = 64, managedBy: String? = nil,
        maxShares: Int64 = 1, osType: String? = nil
    ) -> DiskFacts {
        DiskFacts(
            id: ID.disk(name), name: name, sku: sku, sizeGB: sizeGB, managedBy: managedBy, maxShares: maxShares,
            osType: osType)
    }
}

extension VirtualMachinePlanner {
    /// A planner for `vmName` in `rg1` that knows `disks` (looked up case-insensitively, as the store does).
    static func make(
        vmName: String = "vm1", existing: JSONObject? = nil, disks: [DiskFacts] = []
    ) -> VirtualMachinePlanner {
        VirtualMachinePlanner(
            vmName: vmName, vmResourceID: ID.vm(vmName), existing: existing, diskID: { ID.disk($0) },
            lookupDisk: { id in disks.first { $0.id.lowercased() == id.lowercased() } })
    }
}

/// VM `properties` with an OS disk created from an Ubuntu image and the given data disks.
func vmProperties(
    vmSize: String = "Standard_D2s_v5", osDisk: JSON = ["createOption": "FromImage"], dataDisks: [JSON]? = nil,
    storageExtras: JSONObject = [:], extras: JSONObject = [:]
) -> JSONObject {
    var storage: JSONObject = [
        "imageReference": [
            "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest",
        ],
        "osDisk": osDisk,
    ]
    if let dataDisks { storage["dataDisks"] = .array(dataDisks) }
    for (key, value) in storageExtras { storage[key] = value }
    var properties: JSONObject = [
        "hardwareProfile": ["vmSize": .string(vmSize)],
        "storageProfile": .object(storage),
    ]
    for (key, value) in extras { properties[key] = value }
    return properties
}

/// An `Empty` data disk entry.
func emptyDataDisk(lun: Int64, sizeGB: Int64? = 32, sku: String? = nil) -> JSON {
    var disk: JSONObject = ["lun": .int(lun), "createOption": "Empty"]
    if let sizeGB { disk["diskSizeGB"] = .int(sizeGB) }
    if let sku { disk["managedDisk"] = ["storageAccountType": .string(sku)] }
    return .object(disk)
}

/// An `Attach` disk entry for disk `name` of `rg1`.
func attachedDisk(_ name: String, lun: Int64? = nil) -> JSON {
    var disk: JSONObject = ["createOption": "Attach", "managedDisk": ["id": .string(ID.disk(name))]]
    if let lun { disk["lun"] = .int(lun) }
    return .object(disk)
}
