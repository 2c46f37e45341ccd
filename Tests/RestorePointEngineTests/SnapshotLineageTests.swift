import EmuCore
import RestorePointEngine
import Testing

/// Incremental snapshots (CONTRACT.md §6): sizes, copy times and what a delete folds.
@Suite struct SnapshotLineageTests {
    static let disk = 100 * gibibyte

    // MARK: Sizes

    @Test func theFirstSnapshotHoldsTheUsedBytesOrTheWholeDisk() {
        let lineage = SnapshotLineage(familyID: "f1")
        #expect(
            lineage.nextSnapshotBytes(diskBytes: Self.disk, usedBytes: nil, at: t0, churnPercentPerHour: 1) == Self.disk
        )
        #expect(
            lineage.nextSnapshotBytes(diskBytes: Self.disk, usedBytes: 10 * gibibyte, at: t0, churnPercentPerHour: 1)
                == 10 * gibibyte)
        #expect(
            lineage.nextSnapshotBytes(diskBytes: Self.disk, usedBytes: 200 * gibibyte, at: t0, churnPercentPerHour: 1)
                == Self.disk)
    }

    /// Explicit writes before the first snapshot change nothing: the first is the used bytes.
    @Test func theFirstSnapshotIgnoresPendingWrites() {
        let lineage = SnapshotLineage(familyID: "f1", pendingBytes: 5 * gibibyte)
        #expect(
            lineage.nextSnapshotBytes(diskBytes: Self.disk, usedBytes: 10 * gibibyte, at: t0, churnPercentPerHour: 1)
                == 10 * gibibyte)
    }

    @Test(arguments: [
        // (hours since the newest, churn %/h, explicit writes, expected bytes)
        (0.0, 1.0, Int64(0), Int64(0)),
        (1, 1, 0, gibibyte),
        (3, 1, 0, 3 * gibibyte),
        (3, 1, gibibyte, 4 * gibibyte),
        (0, 1, 7 * gibibyte, 7 * gibibyte),
        (0.5, 2, 0, gibibyte),
        (10, 0, 512 * mebibyte, 512 * mebibyte),
        (200, 1, 0, 100 * gibibyte),
        (50, 1, 60 * gibibyte, 100 * gibibyte),
        (0, 1, 300 * gibibyte, 100 * gibibyte),
    ])
    func laterSnapshotsHoldChurnPlusWritesCappedAtTheDisk(hours: Double, churn: Double, writes: Int64, bytes: Int64) {
        let lineage = SnapshotLineage(familyID: "f1", lastSnapshotAt: t0, pendingBytes: writes)
        #expect(
            lineage.nextSnapshotBytes(
                diskBytes: Self.disk, usedBytes: 10 * gibibyte, at: t0.plus(hours * 3600), churnPercentPerHour: churn)
                == bytes)
    }

    @Test func aClockBehindTheNewestSnapshotCountsNoChurn() {
        let lineage = SnapshotLineage(familyID: "f1", lastSnapshotAt: t0, pendingBytes: gibibyte)
        #expect(
            lineage.nextSnapshotBytes(diskBytes: Self.disk, usedBytes: nil, at: t0.plus(-3600), churnPercentPerHour: 1)
                == gibibyte)
    }

    @Test func afterASnapshotTheLineageStartsCountingAgain() {
        let lineage = SnapshotLineage(familyID: "f1", lastSnapshotAt: nil, pendingBytes: 3 * gibibyte)
        let after = lineage.afterSnapshot(at: t0.plus(60))
        #expect(after == SnapshotLineage(familyID: "f1", lastSnapshotAt: t0.plus(60), pendingBytes: 0))
        #expect(
            after.nextSnapshotBytes(
                diskBytes: Self.disk, usedBytes: nil, at: t0.plus(60 + 7200), churnPercentPerHour: 1)
                == 2 * gibibyte)
    }

    // MARK: Copy and replication times

    @Test(arguments: [
        (32 * gibibyte, 25.0, 60.0, 1310.72),
        (gibibyte, 25, 60, 60),
        (1500 * mebibyte, 25, 60, 60),
        (1501 * mebibyte, 25, 60, 60.04),
        (0, 25, 60, 60),
        (gibibyte, 100, 10, 10.24),
        (100 * gibibyte, 25, 60, 4096),
    ])
    func copySecondsIsTheLongerOfTheMinimumAndSizeOverSpeed(
        bytes: Int64, mibps: Double, minimum: Double, seconds: Double
    ) {
        let copy = SnapshotLineage.copySeconds(bytes: bytes, timings: .make(copyMiBps: mibps, copyMinimum: minimum))
        #expect(abs(copy - seconds) < 1e-9)
    }

    @Test func replicationSecondsUseTheCrossRegionSpeed() {
        #expect(SnapshotLineage.replicationSeconds(bytes: gibibyte, timings: .make()) == 20.48)
        #expect(SnapshotLineage.replicationSeconds(bytes: 8 * gibibyte, timings: .make()) == 163.84)
        #expect(SnapshotLineage.replicationSeconds(bytes: gibibyte, timings: .make(crossRegionMiBps: 1024)) == 1)
        #expect(SnapshotLineage.replicationSeconds(bytes: 0, timings: .make()) == 1)
    }

    // MARK: Deletes

    static let three: [Int64] = [50 * gibibyte, 10 * gibibyte, 20 * gibibyte]

    @Test(arguments: [
        (0, [60 * gibibyte, 20 * gibibyte], Int64(0)),
        (1, [50 * gibibyte, 30 * gibibyte], 0),
        (2, [50 * gibibyte, 10 * gibibyte], 20 * gibibyte),
    ])
    func sizesOfAThreeSnapshotLineageAfterEachDelete(index: Int, sizes: [Int64], carried: Int64) {
        let folded = SnapshotLineage.fold(sizes: Self.three, deleting: index, diskBytes: Self.disk)
        #expect(folded.sizes == sizes)
        #expect(folded.carried == carried)
    }

    @Test func foldingIsCappedAtTheDiskSize() {
        let folded = SnapshotLineage.fold(
            sizes: [100 * gibibyte, 30 * gibibyte, 5 * gibibyte], deleting: 0, diskBytes: Self.disk)
        #expect(folded.sizes == [100 * gibibyte, 5 * gibibyte])
        #expect(folded.carried == 0)
    }

    @Test func deletingTheOnlySnapshotCarriesItsBytes() {
        let folded = SnapshotLineage.fold(sizes: [10 * gibibyte], deleting: 0, diskBytes: Self.disk)
        #expect(folded.sizes.isEmpty)
        #expect(folded.carried == 10 * gibibyte)
    }

    /// A later restore point stays complete: deleting every older snapshot, one by one, leaves the newest whole.
    @Test func deletingOlderSnapshotsKeepsTheNewestComplete() {
        var sizes = Self.three
        while sizes.count > 1 {
            sizes = SnapshotLineage.fold(sizes: sizes, deleting: 0, diskBytes: Self.disk).sizes
        }
        #expect(sizes == [80 * gibibyte])
    }

    /// The carried bytes join the next snapshot with the churn since the deleted one.
    @Test func carriedBytesJoinTheNextSnapshot() {
        let carried = SnapshotLineage.fold(sizes: Self.three, deleting: 2, diskBytes: Self.disk).carried
        let lineage = SnapshotLineage(familyID: "f1", lastSnapshotAt: t0, pendingBytes: carried)
        #expect(
            lineage.nextSnapshotBytes(diskBytes: Self.disk, usedBytes: nil, at: t0.plus(3600), churnPercentPerHour: 1)
                == 21 * gibibyte)
    }
}
