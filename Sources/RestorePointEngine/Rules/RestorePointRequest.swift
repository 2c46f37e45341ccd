/// A disk of the source VM as the restore point rules see it.
public struct SourceDisk: Sendable, Equatable {
    /// The managed disk's ARM id, or the VHD URI / name of an unmanaged or ephemeral disk.
    public var id: String
    public var name: String
    /// nil for unmanaged and ephemeral disks.
    public var sku: DiskSKU?
    public var isManaged: Bool
    public var isEphemeral: Bool
    public var maxShares: Int64
    public var isOSDisk: Bool
    public var lun: Int64?

    public init(
        id: String, name: String, sku: DiskSKU?, isManaged: Bool = true, isEphemeral: Bool = false,
        maxShares: Int64 = 1,
        isOSDisk: Bool, lun: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.sku = sku
        self.isManaged = isManaged
        self.isEphemeral = isEphemeral
        self.maxShares = maxShares
        self.isOSDisk = isOSDisk
        self.lun = lun
    }
}

/// The source VM as the restore point rules see it.
public struct SourceVM: Sendable, Equatable {
    public var vmSize: String
    public var diskControllerType: String?
    public var securityType: String?
    public var disks: [SourceDisk]

    public init(vmSize: String, diskControllerType: String?, securityType: String?, disks: [SourceDisk]) {
        self.vmSize = vmSize
        self.diskControllerType = diskControllerType
        self.securityType = securityType
        self.disks = disks
    }
}

/// Everything the creation rules look at (CONTRACT.md §7), gathered by the app in one transaction.
public struct RestorePointRequest: Sendable, Equatable {
    /// The served CRP api-version is 2025-04-01 or later.
    public var hasInstantAccessAPI: Bool
    public var collectionInstantAccess: Bool
    public var location: String
    /// nil when the source VM no longer exists.
    public var vm: SourceVM?
    public var excludeDiskIDs: [String]
    public var instantAccessMinutes: Int64?
    public var consistencyMode: String?
    /// Restore points of this VM now `Creating`.
    public var creatingOnVM: Int
    /// Instant access restore points now `Creating` in the subscription and region.
    public var instantAccessCreatingInRegion: Int
    /// Restore points of this VM across collections.
    public var pointsOnVM: Int

    public init(
        hasInstantAccessAPI: Bool, collectionInstantAccess: Bool, location: String, vm: SourceVM?,
        excludeDiskIDs: [String],
        instantAccessMinutes: Int64?, consistencyMode: String?, creatingOnVM: Int, instantAccessCreatingInRegion: Int,
        pointsOnVM: Int
    ) {
        self.hasInstantAccessAPI = hasInstantAccessAPI
        self.collectionInstantAccess = collectionInstantAccess
        self.location = location
        self.vm = vm
        self.excludeDiskIDs = excludeDiskIDs
        self.instantAccessMinutes = instantAccessMinutes
        self.consistencyMode = consistencyMode
        self.creatingOnVM = creatingOnVM
        self.instantAccessCreatingInRegion = instantAccessCreatingInRegion
        self.pointsOnVM = pointsOnVM
    }
}
