import EmuCore

/// Everything stored about one disk restore point, fixed when its restore point is created (CONTRACT.md §4.4, §6).
/// States are computed from these facts and the emulated now (`DiskRestorePointTimeline`).
public struct DiskRestorePointFacts: Sendable, Equatable {
    /// `{diskName}_{guid}` (CONTRACT.md §2).
    public var name: String
    /// The disk it was taken from (a copy: the source disk restore point).
    public var sourceResourceID: String
    public var sourceDiskName: String
    public var sourceUniqueID: String
    public var sku: DiskSKU
    public var diskSizeGB: Int64
    /// Bytes this snapshot holds: the whole disk for the first of a lineage, the delta after (§6).
    public var sizeBytes: Int64
    /// One per source disk lineage.
    public var familyID: String
    public var osType: String?
    public var isOSDisk: Bool
    public var lun: Int64?
    public var logicalSectorSize: Int64?
    /// Seconds of background copy after creation (§6: max(copyMinimum, size / copyMiBps)); 0 when there is none.
    public var copySeconds: Double
    /// Instant access applies: the collection had it when the RP was made and the disk is PV2 or Ultra (§5.2).
    public var instantAccess: Bool
    /// Cross-region copy or creation: the DRP replicates from another region (§5.5).
    public var replication: Replication?
    /// Progress of the background copy is reported in steps of this many seconds; 0 = continuous
    /// (`timings.replicationReportInterval` when the RP was made).
    public var reportInterval: Double

    /// A replication from another region.
    public struct Replication: Sendable, Equatable {
        public var sourceLocation: String
        /// Seconds the whole transfer takes (`sizeBytes` at `timings.crossRegionMiBps`).
        public var seconds: Double
        /// Progress is reported in steps of this many seconds (0 = continuous).
        public var reportInterval: Double

        public init(sourceLocation: String, seconds: Double, reportInterval: Double) {
            self.sourceLocation = sourceLocation
            self.seconds = seconds
            self.reportInterval = reportInterval
        }
    }

    public init(
        name: String, sourceResourceID: String, sourceDiskName: String, sourceUniqueID: String, sku: DiskSKU,
        diskSizeGB: Int64, sizeBytes: Int64, familyID: String, osType: String?, isOSDisk: Bool, lun: Int64?,
        logicalSectorSize: Int64?, copySeconds: Double, instantAccess: Bool, replication: Replication? = nil,
        reportInterval: Double = ReplicationReporting.defaultInterval
    ) {
        self.reportInterval = reportInterval
        self.name = name
        self.sourceResourceID = sourceResourceID
        self.sourceDiskName = sourceDiskName
        self.sourceUniqueID = sourceUniqueID
        self.sku = sku
        self.diskSizeGB = diskSizeGB
        self.sizeBytes = sizeBytes
        self.familyID = familyID
        self.osType = osType
        self.isOSDisk = isOSDisk
        self.lun = lun
        self.logicalSectorSize = logicalSectorSize
        self.copySeconds = copySeconds
        self.instantAccess = instantAccess
        self.replication = replication
    }

    /// Listed in the RP's `instanceView.diskRestorePoints`: its state hangs on a background copy or a
    /// replication (PV2/Ultra, or any DRP of a cross-region copy or creation; CONTRACT.md §4.3).
    public var isTracked: Bool { sku.isInstantAccessCapable || replication != nil }
}
