/// How long things take in emulated time (CONTRACT.md §5, §6, `timings.*`), in seconds unless named otherwise.
public struct Timings: Sendable, Equatable {
    /// VM and disk PUTs read `Creating`/`Updating` this long (§5.1).
    public var resourceCreate: Double = 2
    /// Deletes read `Deleting` this long, then the resource is gone (§5.1).
    public var delete: Double = 2
    /// Restore points read `Creating` this long (§5.1).
    public var restorePointCreate: Double = 15
    /// Background copy speed of a PV2/Ultra snapshot (§6).
    public var copyMiBps: Double = 25
    /// The shortest background copy (§6).
    public var copyMinimum: Double = 60
    /// Churn: this percentage of a disk's size is written per emulated hour (§6).
    public var churnPercentPerHour: Double = 1
    /// Cross-region copy and creation transfer speed (§5.5).
    public var crossRegionMiBps: Double = 50
    /// Replication progress is reported in steps of this many seconds; 0 = continuous (§5.5).
    public var replicationReportInterval: Double = 600

    public init() {}
}

/// Configurable limits (CONTRACT.md §4.2, §5.3, §7 `limits.*`).
public struct Limits: Sendable, Equatable {
    /// Restore point collections per subscription and region (§4.2).
    public var restorePointCollectionsPerRegion = 10_000
    /// `instantAccessDurationMinutes` range (§7 rule 6; the documents disagree on 1 vs 60: emulator choice 60).
    public var instantAccessMinutes: ClosedRange<Int64> = 60...300
    /// Instant access restore points `Creating` at once per subscription and region (§7 rule 9).
    public var concurrentInstantAccess = 50
    /// Restore points per VM across collections (§7 rule 10).
    public var restorePointsPerVm = 500
    /// Disk restores in flight (`Creating`) per source disk (§5.3).
    public var restoresInFlightPerDisk = 15
    /// Regions where instant access is offered; empty = all (§7 rule 11).
    public var instantAccessRegions: [String] = []
    /// With `--enforce-throttling`: restore point PUTs per VM per hour (§7 "optional throttling"); nil = off.
    public var restorePointPutsPerVmPerHour: Int?

    public init() {}
}
