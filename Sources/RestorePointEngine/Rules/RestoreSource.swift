/// What a `Restore` disk PUT needs to know of its source disk restore point (CONTRACT.md §5.3). The app resolves
/// the `sourceResourceId` against the store and counts the restores in flight; the planner stays pure.
public struct RestoreSource: Sendable, Equatable {
    /// The disk restore point id, as stored.
    public var id: String
    /// The disk restore point's name (`{disk}_{guid}`).
    public var name: String
    /// The disk it was taken from, for messages.
    public var sourceDiskName: String
    /// Its `snapshotAccessState` now.
    public var state: SnapshotAccessState
    public var sku: DiskSKU
    public var diskSizeGB: Int64
    public var osType: String?
    public var logicalSectorSize: Int64?
    /// Disk PUTs restoring from the same source disk whose `Creating` has not ended.
    public var restoresInFlight: Int

    public init(
        id: String, name: String, sourceDiskName: String, state: SnapshotAccessState, sku: DiskSKU,
        diskSizeGB: Int64, osType: String? = nil, logicalSectorSize: Int64? = nil, restoresInFlight: Int = 0
    ) {
        self.id = id
        self.name = name
        self.sourceDiskName = sourceDiskName
        self.state = state
        self.sku = sku
        self.diskSizeGB = diskSizeGB
        self.osType = osType
        self.logicalSectorSize = logicalSectorSize
        self.restoresInFlight = restoresInFlight
    }

    /// The refusals of §5.3 for a disk of `sku` and `sizeGB` restored from this source, in order: the state must
    /// allow restore (409); a fast restore (InstantAccess, AvailableWithInstantAccess) needs PV2 or Ultra (400,
    /// `sku.name`) and no more than the source's size (400, `properties.diskSizeGB`); no restore is smaller than
    /// the source (400); at most `limits.restoresInFlightPerDisk` restores in flight per source disk (409).
    public func check(sku: DiskSKU, sizeGB: Int64, limits: Limits) throws(EngineError) {
        guard state.allowsRestore else {
            throw .operationNotAllowed(
                message: "Disk restore point '\(name)' is \(state.rawValue), which \(state.allowedActions): restoring "
                    + "a disk needs InstantAccess, AvailableWithInstantAccess or Available.")
        }
        if state.isFastRestore {
            guard sku.isInstantAccessCapable else {
                throw .invalidParameter(
                    message: "Disk restore point '\(name)' is \(state.rawValue): a disk restored from its instant "
                        + "access snapshot must be PremiumV2_LRS or UltraSSD_LRS, not \(sku.rawValue). Wait until it "
                        + "is Available to restore to another SKU.",
                    target: "sku.name")
            }
            guard sizeGB <= diskSizeGB else {
                throw .invalidParameter(
                    message: "Disk restore point '\(name)' is \(state.rawValue): a disk restored from its instant "
                        + "access snapshot cannot be larger than the source (\(diskSizeGB) GB); \(sizeGB) GB was "
                        + "given. Restore at \(diskSizeGB) GB and resize the disk afterwards.",
                    target: "properties.diskSizeGB")
            }
        }
        guard sizeGB >= diskSizeGB else {
            throw .invalidParameter(
                message: "A disk restored from '\(name)' cannot be smaller than the source (\(diskSizeGB) GB); "
                    + "\(sizeGB) GB was given.",
                target: "properties.diskSizeGB")
        }
        guard restoresInFlight < limits.restoresInFlightPerDisk else {
            throw .operationNotAllowed(
                message: "\(restoresInFlight) disks are already being restored from disk '\(sourceDiskName)'; at "
                    + "most \(limits.restoresInFlightPerDisk) restores per source disk may be in flight "
                    + "(limits.restoresInFlightPerDisk). Wait for one to finish.")
        }
    }
}
