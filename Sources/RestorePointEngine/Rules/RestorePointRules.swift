/// The restore point creation rules of CONTRACT.md §7, checked in the contract's order; each refusal has its own
/// status, code and a message that says what to change.
public enum RestorePointRules {
    /// The first API version with instant access (CONTRACT.md §2).
    public static let instantAccessAPIVersion = "2025-04-01"

    /// The disks the restore point will include, or the first rule that refuses it.
    public static func check(_ r: RestorePointRequest, limits: Limits) throws(EngineError) -> [SourceDisk] {
        if let mode = r.consistencyMode, mode.lowercased() != "crashconsistent" {
            throw .invalidParameter(
                message: "consistencyMode '\(mode)' is not accepted: only CrashConsistent may be given. Leave it out "
                    + "for an application-consistent (Windows) or file-system-consistent (Linux) restore point.",
                target: "properties.consistencyMode")
        }
        var included: [SourceDisk] = []
        if let vm = r.vm {
            let excluded = Set(r.excludeDiskIDs.map { $0.lowercased() })
            included = vm.disks.filter { !excluded.contains($0.id.lowercased()) }
            let fast = included.filter { $0.sku?.isInstantAccessCapable == true }
            // 1.
            if let disk = fast.first, !r.hasInstantAccessAPI {
                throw .refused(
                    status: 400, code: "OperationNotAllowed",
                    message: "Disk '\(disk.name)' is \(disk.sku?.rawValue ?? ""): restore points of Premium SSD v2 and "
                        + "Ultra disks require api-version \(instantAccessAPIVersion) or later. Use a newer api-version, "
                        + "or exclude the disk via excludeDisks.")
            }
            let scoped = !fast.isEmpty || r.collectionInstantAccess
            // 2.
            if scoped {
                if VMSize.isUnsupportedForInstantAccess(vm.vmSize) {
                    throw .refused(
                        status: 400, code: "OperationNotAllowed",
                        message: "VM size '\(vm.vmSize)' (Intel v6 or later, AMD v7 or later) is not supported for "
                            + "restore points with Premium SSD v2, Ultra disks or instant access. Resize the VM, or exclude "
                            + "those disks and use a collection without instant access.")
                }
                if vm.diskControllerType?.lowercased() == "nvme" {
                    throw .refused(
                        status: 400, code: "OperationNotAllowed",
                        message:
                            "VMs with an NVMe disk controller are not supported for restore points with Premium SSD "
                            + "v2, Ultra disks or instant access. Use a SCSI VM, or exclude those disks and use a "
                            + "collection without instant access.")
                }
                // 3.
                if let security = vm.securityType,
                    ["trustedlaunch", "confidentialvm"].contains(security.lowercased())
                {
                    throw .refused(
                        status: 400, code: "OperationNotAllowed",
                        message: "Security type '\(security)' is not supported for restore points with Premium SSD v2, "
                            + "Ultra disks or instant access. Exclude those disks and use a collection without instant access."
                    )
                }
            }
            // 4.
            if let disk = included.first(where: { !$0.isManaged || $0.isEphemeral || $0.maxShares > 1 }) {
                let kind =
                    !disk.isManaged ? "an unmanaged disk" : disk.isEphemeral ? "an ephemeral OS disk" : "a shared disk"
                throw .refused(
                    status: 400, code: "VMRestorePointClientError",
                    message:
                        "Disk '\(disk.name)' is \(kind), which is not supported. You may exclude this disk from the "
                        + "restore point via excludeDisks property.")
            }
            // 5.
            let attached = Set(vm.disks.map { $0.id.lowercased() })
            if let stray = r.excludeDiskIDs.first(where: { !attached.contains($0.lowercased()) }) {
                throw .invalidParameter(
                    message:
                        "excludeDisks names '\(stray)', which is not attached to the VM. List only the VM's disks.",
                    target: "excludeDisks")
            }
        }
        // 6.
        if let minutes = r.instantAccessMinutes, !limits.instantAccessMinutes.contains(minutes) {
            throw .invalidParameter(
                message: "instantAccessDurationMinutes must be between \(limits.instantAccessMinutes.lowerBound) and "
                    + "\(limits.instantAccessMinutes.upperBound); \(minutes) was given (limits.instantAccessMinutes).",
                target: "properties.instantAccessDurationMinutes")
        }
        // 7.
        guard r.vm != nil else {
            throw .refused(
                status: 409, code: "OperationNotAllowed",
                message: "The source VM of this restore point collection no longer exists, so no restore point can be "
                    + "taken. Create a collection for an existing VM.")
        }
        // 8.
        if r.creatingOnVM > 0 {
            throw .refused(
                status: 409, code: "VMRestorePointClientError",
                message:
                    "RestorePoint creation failed since a concurrent 'Create RestorePoint' operation was triggered on the VM."
            )
        }
        let instantAccess = r.collectionInstantAccess && included.contains { $0.sku?.isInstantAccessCapable == true }
        // 9.
        if instantAccess, r.instantAccessCreatingInRegion >= limits.concurrentInstantAccess {
            throw .refused(
                status: 409, code: "OperationNotAllowed",
                message:
                    "\(r.instantAccessCreatingInRegion) instant access restore points are already being created in "
                    + "this subscription and region '\(r.location)'; the limit is \(limits.concurrentInstantAccess) "
                    + "(limits.concurrentInstantAccess). Retry when one has finished.")
        }
        // 10.
        if r.pointsOnVM >= limits.restorePointsPerVm {
            throw .refused(
                status: 409, code: "VMRestorePointClientError",
                message:
                    "Restore Point creation failed as the maximum allowed snapshot limit of \(limits.restorePointsPerVm) "
                    + "has been reached for the VM (limits.restorePointsPerVm). Delete old restore points and retry.")
        }
        // 11.
        if instantAccess, !limits.instantAccessRegions.isEmpty,
            !limits.instantAccessRegions.contains(where: {
                CollectionRules.normalize($0) == CollectionRules.normalize(r.location)
            })
        {
            throw .refused(
                status: 400, code: "OperationNotAllowed",
                message: "Instant access restore points are not offered in region '\(r.location)'. Regions: "
                    + "\(limits.instantAccessRegions.joined(separator: ", ")) (limits.instantAccessRegions).")
        }
        return included
    }
}
