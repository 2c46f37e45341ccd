import EmuCore
import RestorePointEngine
import Testing

/// A disk class of the CONTRACT.md §5.2 table: the SKU, and whether the collection gave it instant access.
struct DiskClassCase: Sendable, CustomTestStringConvertible {
    enum Row: Sendable { case instantAccess, withoutInstantAccess, otherSKU }

    var sku: DiskSKU
    var instantAccess: Bool
    var row: Row

    var testDescription: String { "\(sku.rawValue)\(instantAccess ? " with IA" : "")" }
}

/// An instant probed around a boundary, with the state each row of the table reads there.
struct TablePoint: Sendable, CustomTestStringConvertible {
    var label: String
    /// Seconds after `t0`, plus ticks.
    var seconds: Double
    var ticks: Int64 = 0
    var withInstantAccess: SnapshotAccessState
    var withoutInstantAccess: SnapshotAccessState
    var otherSKU: SnapshotAccessState

    var testDescription: String { label }
    var at: Timestamp { t0.plus(seconds, ticks: ticks) }

    func expected(_ row: DiskClassCase.Row) -> SnapshotAccessState {
        switch row {
        case .instantAccess: withInstantAccess
        case .withoutInstantAccess: withoutInstantAccess
        case .otherSKU: otherSKU
        }
    }
}

/// Every row of the §5.2 table on every SKU class, exactly at `c`, `c + copy` and `end` and one second and one tick
/// on either side: `c` = t0 + 15 s, `copy` = 1200 s, `end` = t0 + 120 min.
@Suite struct SnapshotAccessStateTableTests {
    static let c = 15.0
    static let copyEnd = 1215.0
    static let end = 7200.0

    static let classes: [DiskClassCase] = [
        .init(sku: .premiumV2LRS, instantAccess: true, row: .instantAccess),
        .init(sku: .ultraSSDLRS, instantAccess: true, row: .instantAccess),
        .init(sku: .premiumV2LRS, instantAccess: false, row: .withoutInstantAccess),
        .init(sku: .ultraSSDLRS, instantAccess: false, row: .withoutInstantAccess),
        .init(sku: .premiumLRS, instantAccess: false, row: .otherSKU),
        .init(sku: .standardLRS, instantAccess: false, row: .otherSKU),
        .init(sku: .standardSSDLRS, instantAccess: false, row: .otherSKU),
        .init(sku: .premiumZRS, instantAccess: false, row: .otherSKU),
        .init(sku: .standardSSDZRS, instantAccess: false, row: .otherSKU),
        // The SKU decides the row: an instant access flag on a Premium SSD changes nothing.
        .init(sku: .premiumLRS, instantAccess: true, row: .otherSKU),
    ]

    static let points: [TablePoint] = [
        .init(label: "t0", seconds: 0, withInstantAccess: .pending, withoutInstantAccess: .pending, otherSKU: .pending),
        .init(
            label: "c - 1 s", seconds: c - 1, withInstantAccess: .pending, withoutInstantAccess: .pending,
            otherSKU: .pending),
        .init(
            label: "c - 1 tick", seconds: c, ticks: -1, withInstantAccess: .pending, withoutInstantAccess: .pending,
            otherSKU: .pending),
        .init(
            label: "c", seconds: c, withInstantAccess: .instantAccess, withoutInstantAccess: .pending,
            otherSKU: .available),
        .init(
            label: "c + 1 tick", seconds: c, ticks: 1, withInstantAccess: .instantAccess,
            withoutInstantAccess: .pending, otherSKU: .available),
        .init(
            label: "c + 1 s", seconds: c + 1, withInstantAccess: .instantAccess, withoutInstantAccess: .pending,
            otherSKU: .available),
        .init(
            label: "c + copy - 1 s", seconds: copyEnd - 1, withInstantAccess: .instantAccess,
            withoutInstantAccess: .pending, otherSKU: .available),
        .init(
            label: "c + copy - 1 tick", seconds: copyEnd, ticks: -1, withInstantAccess: .instantAccess,
            withoutInstantAccess: .pending, otherSKU: .available),
        .init(
            label: "c + copy", seconds: copyEnd, withInstantAccess: .availableWithInstantAccess,
            withoutInstantAccess: .available, otherSKU: .available),
        .init(
            label: "c + copy + 1 tick", seconds: copyEnd, ticks: 1, withInstantAccess: .availableWithInstantAccess,
            withoutInstantAccess: .available, otherSKU: .available),
        .init(
            label: "c + copy + 1 s", seconds: copyEnd + 1, withInstantAccess: .availableWithInstantAccess,
            withoutInstantAccess: .available, otherSKU: .available),
        .init(
            label: "end - 1 s", seconds: end - 1, withInstantAccess: .availableWithInstantAccess,
            withoutInstantAccess: .available, otherSKU: .available),
        .init(
            label: "end - 1 tick", seconds: end, ticks: -1, withInstantAccess: .availableWithInstantAccess,
            withoutInstantAccess: .available, otherSKU: .available),
        .init(
            label: "end", seconds: end, withInstantAccess: .available, withoutInstantAccess: .available,
            otherSKU: .available),
        .init(
            label: "end + 1 tick", seconds: end, ticks: 1, withInstantAccess: .available,
            withoutInstantAccess: .available, otherSKU: .available),
        .init(
            label: "end + 1 s", seconds: end + 1, withInstantAccess: .available, withoutInstantAccess: .available,
            otherSKU: .available),
        .init(
            label: "end + 30 days", seconds: end + 30 * 86_400, withInstantAccess: .available,
            withoutInstantAccess: .available, otherSKU: .available),
    ]

    static func timeline(_ disk: DiskClassCase) -> DiskRestorePointTimeline {
        let drp = DiskRestorePointFacts.make(sku: disk.sku, copySeconds: 1200, instantAccess: disk.instantAccess)
        let point = RestorePointFacts.make(
            createSeconds: 15, instantAccessMinutes: 120, collectionInstantAccess: disk.instantAccess, disks: [drp])
        return DiskRestorePointTimeline(disk: drp, point: point)
    }

    @Test(arguments: classes, points)
    func everyRowOfTheTableAtItsBoundaries(disk: DiskClassCase, point: TablePoint) {
        #expect(Self.timeline(disk).state(at: point.at) == point.expected(disk.row))
    }

    @Test(arguments: classes)
    func boundariesAreWhereTheContractPutsThem(disk: DiskClassCase) {
        let timeline = Self.timeline(disk)
        #expect(timeline.creationEnd == t0.plus(15))
        #expect(timeline.instantAccessEnd == t0.plus(7200))
        // Only PV2 and Ultra disks have a background copy; the others are done at `c`.
        #expect(timeline.copyEnd == (disk.sku.isInstantAccessCapable ? t0.plus(1215) : t0.plus(15)))
    }

    /// `end` counts from `timeCreated`, `c` from when the PUT was accepted.
    @Test func endCountsFromTimeCreated() {
        let drp = DiskRestorePointFacts.make(copySeconds: 1200)
        let point = RestorePointFacts.make(startedAt: t0, timeCreated: t0.plus(-600), instantAccessMinutes: 60)
        let timeline = DiskRestorePointTimeline(disk: drp, point: point)
        #expect(timeline.instantAccessEnd == t0.plus(3000))
        #expect(timeline.state(at: t0.plus(3000, ticks: -1)) == .availableWithInstantAccess)
        #expect(timeline.state(at: t0.plus(3000)) == .available)
    }

    // MARK: Copy longer than instant access

    static let longCopy: [(label: String, seconds: Double, ticks: Int64, state: SnapshotAccessState)] = [
        ("c - 1 tick", 15, -1, .pending),
        ("c", 15, 0, .instantAccess),
        ("end - 1 s", 3600 - 1, 0, .instantAccess),
        ("end - 1 tick", 3600, -1, .instantAccess),
        ("end", 3600, 0, .pending),
        ("end + 1 s", 3600 + 1, 0, .pending),
        ("c + copy - 1 s", 5015 - 1, 0, .pending),
        ("c + copy - 1 tick", 5015, -1, .pending),
        ("c + copy", 5015, 0, .available),
        ("c + copy + 1 s", 5015 + 1, 0, .available),
    ]

    /// After `end` while the copy still runs → Pending, then Available once it is done (copy 5000 s, IA 60 min).
    @Test(arguments: [DiskSKU.premiumV2LRS, .ultraSSDLRS])
    func afterEndWhileTheCopyStillRunsReadsPending(sku: DiskSKU) {
        let drp = DiskRestorePointFacts.make(sku: sku, copySeconds: 5000)
        let timeline = DiskRestorePointTimeline(disk: drp, point: .make(instantAccessMinutes: 60, disks: [drp]))
        for probe in Self.longCopy {
            #expect(
                timeline.state(at: t0.plus(probe.seconds, ticks: probe.ticks)) == probe.state, "\(probe.label)")
        }
    }

    // MARK: Replicated disk restore points (§5.5)

    static let replicatedSKUs: [DiskSKU] = [.premiumV2LRS, .ultraSSDLRS, .premiumLRS, .standardLRS, .standardSSDLRS]

    /// A cross-region copy: Succeeded once the copy starts (`c` = start), Pending until replicated, then Available;
    /// no instant access, even for a PV2 disk of an IA collection.
    @Test(arguments: replicatedSKUs)
    func aCopyIsPendingUntilReplicatedThenAvailable(sku: DiskSKU) {
        let drp = DiskRestorePointFacts.make(
            sku: sku, copySeconds: 60, instantAccess: sku.isInstantAccessCapable,
            replication: .init(sourceLocation: "westus", seconds: 400, reportInterval: 600))
        let point = RestorePointFacts.make(
            startedAt: t0, timeCreated: t0.plus(-86_400), createSeconds: 0, disks: [drp])
        let timeline = DiskRestorePointTimeline(disk: drp, point: point)
        #expect(point.provisioningState(at: t0) == "Succeeded")
        #expect(timeline.copyEnd == t0.plus(400))
        #expect(timeline.state(at: t0.plus(ticks: -1)) == .pending)
        #expect(timeline.state(at: t0) == .pending)
        #expect(timeline.state(at: t0.plus(60)) == .pending)
        #expect(timeline.state(at: t0.plus(399)) == .pending)
        #expect(timeline.state(at: t0.plus(400, ticks: -1)) == .pending)
        #expect(timeline.state(at: t0.plus(400)) == .available)
        #expect(timeline.state(at: t0.plus(401)) == .available)
        #expect(timeline.state(at: t0.plus(86_400 * 30)) == .available)
    }

    /// A cross-region creation: created normally (`c` = t0 + 15 s), then replicated.
    @Test(arguments: replicatedSKUs)
    func aCrossRegionCreationReplicatesAfterCreation(sku: DiskSKU) {
        let drp = DiskRestorePointFacts.make(
            sku: sku, replication: .init(sourceLocation: "westus", seconds: 400, reportInterval: 600))
        let timeline = DiskRestorePointTimeline(disk: drp, point: .make(disks: [drp]))
        #expect(timeline.state(at: t0.plus(15)) == .pending)
        #expect(timeline.state(at: t0.plus(415, ticks: -1)) == .pending)
        #expect(timeline.state(at: t0.plus(415)) == .available)
        #expect(drp.isTracked)
    }

    // MARK: What each state allows

    @Test func whatEachStateAllows() {
        let table: [(SnapshotAccessState, restore: Bool, access: Bool, copy: Bool)] = [
            (.pending, false, false, false),
            (.instantAccess, true, false, false),
            (.availableWithInstantAccess, true, true, true),
            (.available, true, true, true),
        ]
        for (state, restore, access, copy) in table {
            #expect(state.allowsRestore == restore, "\(state)")
            #expect(state.allowsAccess == access, "\(state)")
            #expect(state.allowsCopy == copy, "\(state)")
        }
        #expect(
            SnapshotAccessState.allCases.map(\.rawValue) == [
                "Pending", "InstantAccess", "AvailableWithInstantAccess", "Available",
            ])
    }
}
