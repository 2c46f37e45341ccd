/// How long things take in emulated time (CONTRACT.md §5, `timings.*`), in seconds.
public struct Timings: Sendable, Equatable {
    /// VM and disk PUTs read `Creating`/`Updating` this long (§5.1).
    public var resourceCreate: Double = 2
    /// Deletes read `Deleting` this long, then the resource is gone (§5.1).
    public var delete: Double = 2
    /// Restore points read `Creating` this long (§5.1).
    public var restorePointCreate: Double = 15

    public init() {}
}

/// Configurable limits (CONTRACT.md §4.2, §7 `limits.*`).
public struct Limits: Sendable, Equatable {
    /// Restore point collections per subscription and region (§4.2).
    public var restorePointCollectionsPerRegion = 10_000

    public init() {}
}
