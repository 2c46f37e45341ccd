import EmuCore

/// One change of a computed property, with its cause (CONTRACT.md §8.1 clock answers, §8.3 timelines).
public struct StateChange: Sendable, Equatable {
    /// Which resource changed: the restore point itself or one of its disk restore points (by name).
    public enum Subject: Sendable, Equatable, Hashable {
        case restorePoint
        case diskRestorePoint(String)
    }

    public var at: Timestamp
    public var subject: Subject
    /// `provisioningState`, `snapshotAccessState` or `instantAccessStatus`.
    public var property: String
    public var from: String
    public var to: String
    /// Why, without the states: `background copy of 12.0 GiB done (8 min 12 s)`.
    public var reason: String

    public init(at: Timestamp, subject: Subject, property: String, from: String, to: String, reason: String) {
        self.at = at
        self.subject = subject
        self.property = property
        self.from = from
        self.to = to
        self.reason = reason
    }

    /// `InstantAccess → AvailableWithInstantAccess at 10:32: background copy of 12.0 GiB done (8 min 12 s)`.
    public var cause: String { "\(from) → \(to) at \(at.clockTime): \(reason)" }
}
