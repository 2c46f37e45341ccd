/// A disk restore point's `snapshotAccessState` (CONTRACT.md §5.2; enum of CRP 2025-04-01).
public enum SnapshotAccessState: String, Sendable, CaseIterable, Comparable {
    /// No restore, copy or download yet.
    case pending = "Pending"
    /// Fast restore only.
    case instantAccess = "InstantAccess"
    /// Fast restore, copy and download.
    case availableWithInstantAccess = "AvailableWithInstantAccess"
    /// Restore, copy and download.
    case available = "Available"

    /// Least capable first: the RP aggregate is the minimum over its disks (§5.2 aggregate rule).
    private var rank: Int {
        switch self {
        case .pending: 0
        case .instantAccess: 1
        case .availableWithInstantAccess: 2
        case .available: 3
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    /// What the state allows (§5.2 "What each state allows").
    public var allowsRestore: Bool { self != .pending }
    public var allowsAccess: Bool { self == .available || self == .availableWithInstantAccess }
    public var allowsCopy: Bool { allowsAccess }
    /// A restore from this state is a fast restore from the instant access snapshot (§5.3): the new disk must be
    /// PV2 or Ultra and no larger than the source.
    public var isFastRestore: Bool { self == .instantAccess || self == .availableWithInstantAccess }

    /// What the state allows, for refusal messages: `allows fast restore only`.
    public var allowedActions: String {
        switch self {
        case .pending: "allows no restore, access or copy yet"
        case .instantAccess: "allows fast restore only"
        case .availableWithInstantAccess: "allows fast restore, access and copy"
        case .available: "allows restore, access and copy"
        }
    }

    /// The aggregate of several disks: any Pending → Pending; else any InstantAccess → InstantAccess; else any
    /// AvailableWithInstantAccess → AvailableWithInstantAccess; else Available.
    public static func aggregate(_ states: some Sequence<SnapshotAccessState>) -> SnapshotAccessState {
        states.min() ?? .available
    }
}
