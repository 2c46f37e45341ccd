import EmuCore

/// The provisioning life of a resource, from stored facts only (CONTRACT.md §5: state is a pure function of
/// stored facts and the emulated now).
public struct Provisioning: Sendable, Equatable {
    /// What the resource is doing until `readyAt`.
    public enum Phase: String, Sendable {
        case creating = "Creating"
        case updating = "Updating"
    }

    public var phase: Phase
    /// When the current create or update finishes.
    public var readyAt: Timestamp
    /// Set once a delete was accepted: the resource reads `Deleting` until then, and is gone after.
    public var deleteAt: Timestamp?

    public init(phase: Phase, readyAt: Timestamp, deleteAt: Timestamp? = nil) {
        self.phase = phase
        self.readyAt = readyAt
        self.deleteAt = deleteAt
    }

    /// `provisioningState` at `now`; nil when the resource no longer exists.
    public func state(at now: Timestamp) -> String? {
        if let deleteAt { return now >= deleteAt ? nil : "Deleting" }
        return now >= readyAt ? "Succeeded" : phase.rawValue
    }

    public func exists(at now: Timestamp) -> Bool { deleteAt.map { now < $0 } ?? true }

    /// The first instant after `now` at which `state(at:)` reads differently: the end of the delete, else of the
    /// create or update; nil when neither is still to come.
    public func nextChange(after now: Timestamp) -> Timestamp? {
        let end = deleteAt ?? readyAt
        return end > now ? end : nil
    }
}
