import EmuCore

/// The states of one disk restore point over emulated time (CONTRACT.md §5.2, §5.5), as pure functions of its
/// facts, its restore point's facts and now.
public struct DiskRestorePointTimeline: Sendable {
    public let disk: DiskRestorePointFacts
    public let point: RestorePointFacts

    public init(disk: DiskRestorePointFacts, point: RestorePointFacts) {
        self.disk = disk
        self.point = point
    }

    /// `c`.
    public var creationEnd: Timestamp { point.creationEnd }

    /// When the background copy or the replication ends (`c + copy`), or `c` when there is none.
    public var copyEnd: Timestamp {
        creationEnd.adding(
            seconds: disk.replication?.seconds ?? (disk.sku.isInstantAccessCapable ? disk.copySeconds : 0))
    }

    /// `end`; only meaningful when instant access applies.
    public var instantAccessEnd: Timestamp { point.instantAccessEnd }

    /// The §5.2 table (and §5.5 for replicated disks). Intervals are half-open: at exactly `c` the disk is past
    /// Pending; at exactly `c + copy` the copy is done; at exactly `end` instant access is over.
    public func state(at now: Timestamp) -> SnapshotAccessState {
        guard now >= creationEnd else { return .pending }
        let copied = now >= copyEnd
        if disk.replication != nil { return copied ? .available : .pending }
        guard disk.sku.isInstantAccessCapable else { return .available }
        guard disk.instantAccess else { return copied ? .available : .pending }
        if now < instantAccessEnd { return copied ? .availableWithInstantAccess : .instantAccess }
        return copied ? .available : .pending
    }

    /// Replication status (§5.2): replicating with a percentage while the copy runs, then succeeded at 100.
    /// The percentage moves in steps of the report interval (§5.5), and reads 100 exactly when the copy ends.
    public func replication(at now: Timestamp) -> (replicating: Bool, percent: Int) {
        if now >= copyEnd { return (false, 100) }
        guard now > creationEnd else { return (true, 0) }
        let total = copyEnd.seconds(since: creationEnd)
        var elapsed = now.seconds(since: creationEnd)
        let interval = disk.replication?.reportInterval ?? disk.reportInterval
        if interval > 0 { elapsed = (elapsed / interval).rounded(.down) * interval }
        return (true, min(99, Int((100 * elapsed / total).rounded(.down))))
    }

    /// The first instant after `now` at which `state(at:)` or `replication(at:)` may read differently; nil when
    /// neither changes again. While a copy runs its percentage moves every report interval; with an interval of 0
    /// it moves continuously, and the answer is `now` itself (nothing holds past this instant).
    public func nextChange(after now: Timestamp) -> Timestamp? {
        var next = breakpoints.lazy.map(\.at).first { $0 > now }
        if now >= creationEnd, now < copyEnd {
            let interval = disk.replication?.reportInterval ?? disk.reportInterval
            guard interval > 0 else { return now }
            // The next report step, a millisecond early: a step computed in Double seconds may round either way,
            // and a change reported early only costs a fresh computation.
            let steps = (now.seconds(since: creationEnd) / interval).rounded(.down) + 1
            let step = creationEnd.adding(seconds: steps * interval - 0.001)
            if step > now { next = min(next ?? step, step) } else { return now }
        }
        return next
    }

    /// The moments the state can change, in order, with why (§8.3 timeline).
    public var breakpoints: [(at: Timestamp, cause: Cause)] {
        var points: [(Timestamp, Cause)] = [(creationEnd, .created(seconds: point.createSeconds))]
        if let r = disk.replication {
            points.append((copyEnd, .replicated(bytes: disk.sizeBytes, from: r.sourceLocation, seconds: r.seconds)))
        } else if disk.sku.isInstantAccessCapable {
            points.append((copyEnd, .copied(bytes: disk.sizeBytes, seconds: disk.copySeconds)))
            if disk.instantAccess {
                points.append((instantAccessEnd, .instantAccessEnded(minutes: point.instantAccessMinutes)))
            }
        }
        return points.sorted { $0.0 < $1.0 }
    }

    /// Why a state changed.
    public enum Cause: Sendable, Equatable {
        case created(seconds: Double)
        case copied(bytes: Int64, seconds: Double)
        case replicated(bytes: Int64, from: String, seconds: Double)
        case instantAccessEnded(minutes: Int64)

        public var text: String {
            switch self {
            case .created(let s): "restore point creation finished (\(Format.seconds(s)), timings.restorePointCreate)"
            case .copied(let b, let s): "background copy of \(Format.gibibytes(b)) done (\(Format.seconds(s)))"
            case .replicated(let b, let from, let s):
                "replication of \(Format.gibibytes(b)) from \(from) done (\(Format.seconds(s)))"
            case .instantAccessEnded(let m): "instant access duration of \(m) minutes elapsed"
            }
        }
    }
}

/// Progress reporting of background copies and replications (CONTRACT.md §5.5 `timings.replicationReportInterval`).
public enum ReplicationReporting {
    /// The default step: 10 minutes.
    public static let defaultInterval: Double = 600
}
