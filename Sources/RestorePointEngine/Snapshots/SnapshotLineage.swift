import EmuCore

/// A source disk's snapshot lineage (CONTRACT.md §6): one `familyId`, and what was written since its newest
/// snapshot. Kept with the disk; sizes of new snapshots come from it.
public struct SnapshotLineage: Sendable, Equatable {
    public static let gibibyte: Int64 = 1_073_741_824

    public var familyID: String
    /// When the newest snapshot of the lineage was taken; nil when the lineage holds none (the next is full).
    public var lastSnapshotAt: Timestamp?
    /// Bytes written explicitly (`POST /_emulator/disks/{id}/writes`) or folded in since the newest snapshot.
    public var pendingBytes: Int64

    public init(familyID: String, lastSnapshotAt: Timestamp? = nil, pendingBytes: Int64 = 0) {
        self.familyID = familyID
        self.lastSnapshotAt = lastSnapshotAt
        self.pendingBytes = pendingBytes
    }

    /// The size of a snapshot taken now: the disk's used bytes for the first of the lineage; after that the
    /// churn since the newest (`churnPercentPerHour` of the size per emulated hour) plus explicit writes, capped
    /// at the disk size.
    public func nextSnapshotBytes(diskBytes: Int64, usedBytes: Int64?, at now: Timestamp, churnPercentPerHour: Double)
        -> Int64
    {
        guard let last = lastSnapshotAt else { return min(usedBytes ?? diskBytes, diskBytes) }
        let hours = max(0, now.seconds(since: last) / 3600)
        let churn = Int64((Double(diskBytes) * churnPercentPerHour / 100 * hours).rounded())
        return min(diskBytes, max(0, churn + pendingBytes))
    }

    /// The lineage after a snapshot at `now`.
    public func afterSnapshot(at now: Timestamp) -> SnapshotLineage {
        SnapshotLineage(familyID: familyID, lastSnapshotAt: now, pendingBytes: 0)
    }

    /// Background copy time of a snapshot (§6): max(`copyMinimum`, size / `copyMiBps`).
    public static func copySeconds(bytes: Int64, timings: Timings) -> Double {
        max(timings.copyMinimum, Double(bytes) / (timings.copyMiBps * 1_048_576))
    }

    /// Cross-region transfer time at `crossRegionMiBps` (§5.5).
    public static func replicationSeconds(bytes: Int64, timings: Timings) -> Double {
        max(1, Double(bytes) / (timings.crossRegionMiBps * 1_048_576))
    }

    /// Sizes after deleting snapshot `index` of a lineage ordered oldest first (§6): an older snapshot's bytes fold
    /// into the next one (capped at the disk size), so a later restore point stays complete. Deleting the newest
    /// returns its bytes as `carried`: the lineage's next snapshot must include them.
    public static func fold(sizes: [Int64], deleting index: Int, diskBytes: Int64) -> (sizes: [Int64], carried: Int64) {
        var out = sizes
        let removed = out.remove(at: index)
        if index < out.count {
            out[index] = min(diskBytes, out[index] + removed)
            return (out, 0)
        }
        return (out, removed)
    }
}
