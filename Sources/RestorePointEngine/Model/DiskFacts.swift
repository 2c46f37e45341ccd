import EmuCore

/// What the engine needs to know about an existing managed disk.
public struct DiskFacts: Sendable, Equatable {
    public var id: String
    public var name: String
    public var sku: DiskSKU
    public var sizeGB: Int64
    /// The VM the disk is attached to, if any.
    public var managedBy: String?
    public var maxShares: Int64
    public var osType: String?

    public init(
        id: String, name: String, sku: DiskSKU, sizeGB: Int64, managedBy: String? = nil, maxShares: Int64 = 1,
        osType: String? = nil
    ) {
        self.id = id
        self.name = name
        self.sku = sku
        self.sizeGB = sizeGB
        self.managedBy = managedBy
        self.maxShares = maxShares
        self.osType = osType
    }
}

/// A disk a VM PUT creates (CONTRACT.md §4.1): `FromImage` OS disks and `Empty` data disks.
public struct NewDisk: Sendable, Equatable {
    public var name: String
    public var sku: DiskSKU
    public var sizeGB: Int64
    public var osType: String?
    /// `FromImage` or `Empty`: recorded as the disk's `creationData.createOption`.
    public var createOption: String
    public var imageReference: JSON?
}
