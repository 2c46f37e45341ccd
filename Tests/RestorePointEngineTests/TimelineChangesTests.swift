import EmuCore
import RestorePointEngine
import Testing

/// The state changes a restore point makes over time, with their causes (CONTRACT.md §8.1 clock answers, §8.3).
@Suite struct TimelineChangesTests {
    static let os = DiskRestorePointFacts.makeOS()
    /// A 32 GiB PV2 data disk: its copy takes 32768 MiB / 25 MiB/s = 1310.72 s.
    static let data = DiskRestorePointFacts.make(
        diskSizeGB: 32, copySeconds: SnapshotLineage.copySeconds(bytes: 32 * gibibyte, timings: .make()))
    static let rp = RestorePointTimeline(.make(instantAccessMinutes: 120, disks: [os, data]))

    static let c = t0.plus(15)
    static let copied = t0.plus(15 + 1310.72)
    static let end = t0.plus(7200)
    static let created = "restore point creation finished (15 s, timings.restorePointCreate)"
    static let copyDone = "background copy of 32.0 GiB done (21 min 51 s)"
    static let iaOver = "instant access duration of 120 minutes elapsed"

    static let expected: [StateChange] = [
        StateChange(
            at: c, subject: .restorePoint, property: "provisioningState", from: "Creating", to: "Succeeded",
            reason: created),
        StateChange(
            at: c, subject: .diskRestorePoint(os.name), property: "snapshotAccessState", from: "Pending",
            to: "Available", reason: created),
        StateChange(
            at: c, subject: .diskRestorePoint(data.name), property: "snapshotAccessState", from: "Pending",
            to: "InstantAccess", reason: created),
        StateChange(
            at: c, subject: .restorePoint, property: "instantAccessStatus", from: "Pending", to: "InstantAccess",
            reason: created),
        StateChange(
            at: copied, subject: .diskRestorePoint(data.name), property: "snapshotAccessState",
            from: "InstantAccess", to: "AvailableWithInstantAccess", reason: copyDone),
        StateChange(
            at: copied, subject: .restorePoint, property: "instantAccessStatus", from: "InstantAccess",
            to: "AvailableWithInstantAccess", reason: copyDone),
        StateChange(
            at: end, subject: .diskRestorePoint(data.name), property: "snapshotAccessState",
            from: "AvailableWithInstantAccess", to: "Available", reason: iaOver),
        StateChange(
            at: end, subject: .restorePoint, property: "instantAccessStatus", from: "AvailableWithInstantAccess",
            to: "Available", reason: iaOver),
    ]

    @Test func theCopyTimeOfThirtyTwoGibibytes() {
        #expect(Self.data.copySeconds == 1310.72)
        #expect(Self.copied == t0.plus(ticks: 13_257_200_000))
    }

    @Test func anInstantAccessRestorePointListsEveryChangeInOrder() {
        let changes = Self.rp.changes
        #expect(changes.count == Self.expected.count)
        for (actual, expected) in zip(changes, Self.expected) { #expect(actual == expected) }
    }

    @Test func causesReadAsTheControlPlaneShowsThem() throws {
        let changes = Self.rp.changes
        try #require(changes.count == 8)
        #expect(
            changes[4].cause
                == "InstantAccess → AvailableWithInstantAccess at 10:22: background copy of 32.0 GiB done (21 min 51 s)"
        )
        #expect(
            changes[7].cause
                == "AvailableWithInstantAccess → Available at 12:00: instant access duration of 120 minutes elapsed")
    }

    @Test func changesAfterThroughExcludeTheStartAndIncludeTheEnd() {
        let rp = Self.rp
        #expect(rp.changes(after: t0, through: Self.c.plus(ticks: -1)).isEmpty)
        #expect(rp.changes(after: t0, through: Self.c).count == 4)
        #expect(rp.changes(after: Self.c.plus(ticks: -1), through: Self.c).count == 4)
        #expect(rp.changes(after: Self.c, through: Self.copied.plus(ticks: -1)).isEmpty)
        #expect(rp.changes(after: Self.c, through: Self.copied) == Array(Self.expected[4...5]))
        #expect(rp.changes(after: Self.copied, through: Self.end.plus(ticks: -1)).isEmpty)
        #expect(rp.changes(after: Self.copied, through: Self.end) == Array(Self.expected[6...7]))
        #expect(rp.changes(after: Self.end, through: Self.end.plus(86_400)).isEmpty)
        #expect(rp.changes(after: t0, through: Self.end.plus(86_400)) == Self.expected)
        #expect(rp.changes(after: Self.c, through: Self.c).isEmpty)
    }

    @Test func aFailedRestorePointHasOneProvisioningChange() {
        let rp = RestorePointTimeline(
            .make(failure: .init(code: "InternalError", message: "Injected."), disks: [Self.os, Self.data]))
        #expect(
            rp.changes == [
                StateChange(
                    at: Self.c, subject: .restorePoint, property: "provisioningState", from: "Creating",
                    to: "Failed", reason: "creation failed with InternalError (fault rule)")
            ])
    }

    /// Without instant access there is no `instantAccessStatus`, and a PV2 disk goes Pending → Available.
    @Test func aCollectionWithoutInstantAccessHasNoAggregateChanges() {
        let data = DiskRestorePointFacts.make(diskSizeGB: 32, copySeconds: 1310.72, instantAccess: false)
        let rp = RestorePointTimeline(.make(collectionInstantAccess: false, disks: [Self.os, data]))
        #expect(
            rp.changes == [
                StateChange(
                    at: Self.c, subject: .restorePoint, property: "provisioningState", from: "Creating",
                    to: "Succeeded", reason: Self.created),
                StateChange(
                    at: Self.c, subject: .diskRestorePoint(Self.os.name), property: "snapshotAccessState",
                    from: "Pending", to: "Available", reason: Self.created),
                StateChange(
                    at: Self.copied, subject: .diskRestorePoint(data.name), property: "snapshotAccessState",
                    from: "Pending", to: "Available", reason: Self.copyDone),
            ])
    }

    @Test func aCopyOutlastingInstantAccessGoesBackToPending() throws {
        let data = DiskRestorePointFacts.make(sizeBytes: 100 * gibibyte, copySeconds: 5000)
        let rp = RestorePointTimeline(.make(instantAccessMinutes: 60, disks: [data]))
        let drp = rp.changes.filter { $0.subject == .diskRestorePoint(data.name) }
        #expect(drp.map(\.to) == ["InstantAccess", "Pending", "Available"])
        #expect(drp.map(\.at) == [Self.c, t0.plus(3600), t0.plus(5015)])
        try #require(drp.count == 3)
        #expect(drp[1].reason == "instant access duration of 60 minutes elapsed")
        #expect(drp[2].reason == "background copy of 100.0 GiB done (1 h 23 min)")
        let aggregate = rp.changes.filter { $0.property == "instantAccessStatus" }
        #expect(aggregate.map(\.from) == ["Pending", "InstantAccess", "Pending"])
        #expect(aggregate.map(\.to) == ["InstantAccess", "Pending", "Available"])
    }

    @Test func aReplicatedDiskNamesItsSourceRegion() {
        let drp = DiskRestorePointFacts.make(
            sku: .premiumLRS, diskSizeGB: 8,
            replication: .init(sourceLocation: "westus", seconds: 163.84, reportInterval: 600))
        let rp = RestorePointTimeline(.make(createSeconds: 0, collectionInstantAccess: false, disks: [drp]))
        #expect(
            rp.changes == [
                StateChange(
                    at: t0, subject: .restorePoint, property: "provisioningState", from: "Creating",
                    to: "Succeeded", reason: "restore point creation finished (0 s, timings.restorePointCreate)"),
                StateChange(
                    at: t0.plus(163.84), subject: .diskRestorePoint(drp.name), property: "snapshotAccessState",
                    from: "Pending", to: "Available",
                    reason: "replication of 8.0 GiB from westus done (2 min 44 s)"),
            ])
    }

    @Test func breakpointsAreInTimeOrder() {
        let timeline = Self.rp.disks[1]
        #expect(timeline.breakpoints.map(\.at) == [Self.c, Self.copied, Self.end])
        #expect(
            timeline.breakpoints.map(\.cause) == [
                .created(seconds: 15), .copied(bytes: 32 * gibibyte, seconds: 1310.72),
                .instantAccessEnded(minutes: 120),
            ])
        #expect(Self.rp.disks[0].breakpoints.map(\.at) == [Self.c])
    }
}

/// Sizes and durations in causes and messages.
@Suite struct FormatTests {
    static let sizes: [(Int64, String)] = [
        (32 * gibibyte, "32.0 GiB"), (gibibyte, "1.0 GiB"), (gibibyte * 3 / 2, "1.5 GiB"),
        (12 * gibibyte + gibibyte / 10, "12.1 GiB"), (512 * mebibyte, "512.0 MiB"), (0, "0.0 MiB"),
        (mebibyte / 2, "0.5 MiB"), (127 * gibibyte, "127.0 GiB"),
    ]

    static let durations: [(Double, String)] = [
        (0, "0 s"), (15, "15 s"), (59.4, "59 s"), (59.6, "1 min"), (60, "1 min"), (125, "2 min 5 s"),
        (1310.72, "21 min 51 s"), (3600, "1 h 0 min"), (10_500, "2 h 55 min"), (5000, "1 h 23 min"),
    ]

    @Test(arguments: sizes)
    func gibibytes(bytes: Int64, text: String) {
        #expect(Format.gibibytes(bytes) == text)
    }

    @Test(arguments: durations)
    func seconds(seconds: Double, text: String) {
        #expect(Format.seconds(seconds) == text)
    }
}
