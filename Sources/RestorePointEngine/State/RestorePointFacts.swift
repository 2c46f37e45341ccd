import EmuCore

/// Everything stored about a restore point that its states depend on (CONTRACT.md §5). Fixed at creation, except
/// `deleteAt`.
public struct RestorePointFacts: Sendable, Equatable {
    /// When the PUT was accepted (emulated). Creation finishes `createSeconds` later.
    public var startedAt: Timestamp
    /// `timeCreated` as shown: `startedAt`, or the source's for a cross-region copy (§5.5).
    public var timeCreated: Timestamp
    /// `timings.restorePointCreate` when it was made; 0 for a copy (Succeeded once the copy starts, §5.5).
    public var createSeconds: Double
    /// `instantAccessDurationMinutes` (default 300): instant access ends at `timeCreated` + this.
    public var instantAccessMinutes: Int64
    /// The collection had instant access when the RP was made: the RP shows `instantAccessStatus` (§4.3).
    public var collectionInstantAccess: Bool
    /// The error a fault rule made the creation end with (§8.4): the RP reads `Failed` from `creationEnd`.
    public var failure: Failure?
    public var disks: [DiskRestorePointFacts]

    /// A creation that ended in an error.
    public struct Failure: Sendable, Equatable {
        public var code: String
        public var message: String
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public init(
        startedAt: Timestamp, timeCreated: Timestamp, createSeconds: Double, instantAccessMinutes: Int64,
        collectionInstantAccess: Bool, failure: Failure? = nil, disks: [DiskRestorePointFacts]
    ) {
        self.collectionInstantAccess = collectionInstantAccess
        self.startedAt = startedAt
        self.timeCreated = timeCreated
        self.createSeconds = createSeconds
        self.instantAccessMinutes = instantAccessMinutes
        self.failure = failure
        self.disks = disks
    }

    /// `c` of §5.2: creation done.
    public var creationEnd: Timestamp { startedAt.adding(seconds: createSeconds) }

    /// `end` of §5.2: instant access over.
    public var instantAccessEnd: Timestamp { timeCreated.adding(seconds: Double(instantAccessMinutes) * 60) }

    /// `Creating`, then `Succeeded` or `Failed` (§5.1). Deletion is the resource's own fact, not this one's.
    public func provisioningState(at now: Timestamp) -> String {
        if now < creationEnd { return "Creating" }
        return failure == nil ? "Succeeded" : "Failed"
    }

    /// True once creation succeeded: the disk restore points exist from then on.
    public func hasSucceeded(at now: Timestamp) -> Bool { failure == nil && now >= creationEnd }
}
