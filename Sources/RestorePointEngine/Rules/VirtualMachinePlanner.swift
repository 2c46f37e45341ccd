import EmuCore

/// What a VM PUT does: the properties the VM will show and the disks it creates and attaches.
public struct VirtualMachinePlan: Sendable, Equatable {
    /// `properties` as the VM will show them, without `provisioningState`.
    public var properties: JSONObject
    public var disksToCreate: [NewDisk]
    /// Ids of every managed disk the VM uses afterwards (created or attached), OS disk first.
    public var diskIDs: [String]
}

/// Validates a VM PUT body and plans its disks (CONTRACT.md §4.1).
public struct VirtualMachinePlanner {
    public let vmName: String
    /// The VM's current properties on an update, nil on a create.
    public let existing: JSONObject?
    /// The id a disk of this name gets in the VM's resource group.
    public let diskID: (String) -> String
    /// Existing disks by id (case-insensitive).
    public let lookupDisk: (String) -> DiskFacts?
    /// The VM's own id (for `managedBy` checks).
    public let vmResourceID: String

    public init(
        vmName: String, vmResourceID: String, existing: JSONObject?, diskID: @escaping (String) -> String,
        lookupDisk: @escaping (String) -> DiskFacts?
    ) {
        self.vmName = vmName
        self.vmResourceID = vmResourceID
        self.existing = existing
        self.diskID = diskID
        self.lookupDisk = lookupDisk
    }

    /// Plans the PUT. `properties` is the request's `properties` object; `vmId` and `timeCreated` are kept from the
    /// existing VM or taken from the arguments.
    public func plan(properties input: JSONObject, vmId: String, timeCreated: Timestamp) throws(EngineError)
        -> VirtualMachinePlan
    {
        let reader = PropertyReader(input, base: "properties")
        _ = try reader.requiredString("hardwareProfile.vmSize")
        guard let storage = try reader.object("storageProfile") else {
            throw .invalidParameter(
                message: "Required parameter 'storageProfile' is missing (null).", target: "properties.storageProfile")
        }
        if let controller = try reader.string("storageProfile.diskControllerType"),
            !["scsi", "nvme"].contains(controller.lowercased())
        {
            throw .invalidParameter(
                message: "The value '\(controller)' of diskControllerType is not valid. Allowed values: SCSI, NVMe.",
                target: "properties.storageProfile.diskControllerType")
        }
        var creates: [NewDisk] = []
        var ids: [String] = []
        var claimed = Set<String>()
        var newStorage = storage
        if let os = try reader.object("storageProfile.osDisk") {
            let osType = try osTypeFor(input: input, osDisk: os)
            newStorage["osDisk"] = .object(
                try planDisk(
                    os, target: "properties.storageProfile.osDisk", isOS: true, lun: nil, osType: osType,
                    imageReference: storage["imageReference"], creates: &creates, ids: &ids, claimed: &claimed))
        } else {
            throw .invalidParameter(
                message: "Required parameter 'osDisk' is missing (null).", target: "properties.storageProfile.osDisk")
        }
        if let data = try reader.array("storageProfile.dataDisks") {
            var luns = Set<Int64>()
            var planned: [JSON] = []
            for (n, entry) in data.enumerated() {
                let target = "properties.storageProfile.dataDisks[\(n)]"
                guard let disk = entry.objectValue else {
                    throw .invalidParameter(message: "A data disk must be an object.", target: target)
                }
                guard let lun = try PropertyReader(disk, base: target).int("lun"), (0...63).contains(lun) else {
                    throw .invalidParameter(
                        message: "Each data disk needs a 'lun' between 0 and 63.", target: "\(target).lun")
                }
                guard luns.insert(lun).inserted else {
                    throw .invalidParameter(
                        message: "Two data disks use lun \(lun); each lun must be unique.", target: "\(target).lun")
                }
                planned.append(
                    .object(
                        try planDisk(
                            disk, target: target, isOS: false, lun: lun, osType: nil, imageReference: nil,
                            creates: &creates, ids: &ids, claimed: &claimed)))
            }
            newStorage["dataDisks"] = .array(planned)
        } else {
            newStorage["dataDisks"] = .array([])
        }
        if newStorage["diskControllerType"] == nil { newStorage["diskControllerType"] = "SCSI" }

        var out = JSONObject()
        out["vmId"] = .string(vmId)
        for (key, value) in input where key.lowercased() != "provisioningstate" && key.lowercased() != "vmid" {
            switch key.lowercased() {
            case "storageprofile": out["storageProfile"] = .object(newStorage)
            case "osprofile": out["osProfile"] = Self.withoutSecrets(value)
            default: out[key] = value
            }
        }
        out["timeCreated"] = .string(timeCreated.iso8601)
        return VirtualMachinePlan(properties: out, disksToCreate: creates, diskIDs: ids)
    }

    /// Azure never returns `adminPassword` or custom data.
    static func withoutSecrets(_ osProfile: JSON) -> JSON {
        guard var o = osProfile.objectValue else { return osProfile }
        o["adminPassword"] = nil
        o["customData"] = nil
        return .object(o)
    }

    private func osTypeFor(input: JSONObject, osDisk: JSONObject) throws(EngineError) -> String {
        let reader = PropertyReader(input, base: "properties")
        if let t = try PropertyReader(osDisk).string("osType") {
            return t.lowercased() == "windows" ? "Windows" : "Linux"
        }
        if try reader.object("osProfile.windowsConfiguration") != nil { return "Windows" }
        if try reader.object("osProfile.linuxConfiguration") != nil { return "Linux" }
        let image = [
            try reader.string("storageProfile.imageReference.offer"),
            try reader.string("storageProfile.imageReference.publisher"),
        ].compactMap { $0 }.joined(separator: " ").lowercased()
        return image.contains("windows") ? "Windows" : "Linux"
    }
}
