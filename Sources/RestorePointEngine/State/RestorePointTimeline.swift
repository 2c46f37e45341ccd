import EmuCore

/// A restore point's computed states over emulated time: provisioning, each disk's access state and the
/// RP-level aggregate (CONTRACT.md §5.1, §5.2). Pure: the same facts and instant always give the same answer.
public struct RestorePointTimeline: Sendable {
    public let facts: RestorePointFacts

    public init(_ facts: RestorePointFacts) { self.facts = facts }

    public var disks: [DiskRestorePointTimeline] {
        facts.disks.map { DiskRestorePointTimeline(disk: $0, point: facts) }
    }

    /// `instantAccessStatus`: the least capable disk state (§5.2 aggregate rule); Pending while creating.
    public func aggregate(at now: Timestamp) -> SnapshotAccessState {
        guard facts.hasSucceeded(at: now) else { return .pending }
        return SnapshotAccessState.aggregate(disks.map { $0.state(at: now) })
    }

    /// True while any listed disk still copies or replicates: the RP-wide status reads `Replicating`.
    public func isReplicating(at now: Timestamp) -> Bool {
        disks.contains { $0.disk.isTracked && $0.replication(at: now).replicating }
    }

    /// The first instant after `now` at which anything this timeline computes (provisioning, every disk's state
    /// and replication, the aggregate) may read differently; nil when nothing changes again. What is read at `now`
    /// holds for every instant from `now` until then (half-open, like the §5.2 intervals).
    public func nextChange(after now: Timestamp) -> Timestamp? {
        var next: Timestamp? = facts.creationEnd > now ? facts.creationEnd : nil
        for disk in disks {
            guard let at = disk.nextChange(after: now) else { continue }
            next = min(next ?? at, at)
        }
        return next
    }

    /// Every change from creation on, in time order (a failed creation has only its provisioning change).
    public var changes: [StateChange] {
        let c = facts.creationEnd
        var out = [
            StateChange(
                at: c, subject: .restorePoint, property: "provisioningState", from: "Creating",
                to: facts.provisioningState(at: c),
                reason: facts.failure.map { "creation failed with \($0.code) (fault rule)" }
                    ?? DiskRestorePointTimeline.Cause.created(seconds: facts.createSeconds).text)
        ]
        guard facts.failure == nil else { return out }
        var aggregatePoints: [(Timestamp, String)] = []
        for timeline in disks {
            for (at, cause) in timeline.breakpoints {
                let before = timeline.state(at: Timestamp(ticks: at.ticks - 1))
                let after = timeline.state(at: at)
                aggregatePoints.append((at, cause.text))
                guard before != after else { continue }
                out.append(
                    StateChange(
                        at: at, subject: .diskRestorePoint(timeline.disk.name), property: "snapshotAccessState",
                        from: before.rawValue, to: after.rawValue, reason: cause.text))
            }
        }
        if facts.collectionInstantAccess {
            for (at, reason) in aggregatePoints.sorted(by: { $0.0 < $1.0 }) {
                let before = aggregate(at: Timestamp(ticks: at.ticks - 1))
                let after = aggregate(at: at)
                guard before != after,
                    !out.contains(where: {
                        $0.subject == .restorePoint && $0.property == "instantAccessStatus" && $0.at == at
                    })
                else { continue }
                out.append(
                    StateChange(
                        at: at, subject: .restorePoint, property: "instantAccessStatus", from: before.rawValue,
                        to: after.rawValue, reason: reason))
            }
        }
        return out.sorted { $0.at < $1.at }
    }

    /// The changes with `from < at ≤ to`: what a clock move from `from` to `to` caused (§8.1).
    public func changes(after from: Timestamp, through to: Timestamp) -> [StateChange] {
        changes.filter { $0.at > from && $0.at <= to }
    }
}
