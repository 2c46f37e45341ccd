import EmuCore

/// A restore point as the creation rules and the scale targets count it (CONTRACT.md §7, rules 8–10): one
/// row per restore point, beside its resource, so a count is an index lookup instead of a scan of bodies.
///
/// The caller lower-cases `key`, `vmKey` and `subscription` and normalises `location`; the store compares
/// them byte for byte.
public struct RestorePointIndexRecord: Sendable, Equatable {
    /// The lower-cased restore point id: the key of its `ResourceRecord`.
    public var key: String
    /// The lower-cased id of the source VM.
    public var vmKey: String
    /// The lower-cased subscription id.
    public var subscription: String
    /// The region, normalised by the caller (rule 9 counts per subscription and region).
    public var location: String
    /// Whether instant access applies to the restore point (rule 9 counts only those).
    public var instantAccess: Bool
    /// When the restore point stops being `Creating` (CONTRACT.md §5.1): `Creating` exactly while now is before
    /// it.
    public var creationEnd: Timestamp

    public init(
        key: String, vmKey: String, subscription: String, location: String, instantAccess: Bool,
        creationEnd: Timestamp
    ) {
        self.key = key
        self.vmKey = vmKey
        self.subscription = subscription
        self.location = location
        self.instantAccess = instantAccess
        self.creationEnd = creationEnd
    }
}
