import EmuCore
import RestorePointEngine
import Testing

/// The RP-level `instantAccessStatus` (CONTRACT.md §5.2 aggregate rule) and provisioning (§5.1).
@Suite struct RestorePointAggregateTests {
    @Test(arguments: [
        ([SnapshotAccessState](), SnapshotAccessState.available),
        ([.pending], .pending),
        ([.available, .available], .available),
        ([.availableWithInstantAccess, .availableWithInstantAccess], .availableWithInstantAccess),
        ([.instantAccess, .instantAccess], .instantAccess),
        ([.available, .pending, .availableWithInstantAccess], .pending),
        ([.available, .instantAccess, .availableWithInstantAccess], .instantAccess),
        ([.available, .availableWithInstantAccess], .availableWithInstantAccess),
        ([.instantAccess, .pending], .pending),
    ])
    func theLeastCapableStateWins(states: [SnapshotAccessState], aggregate: SnapshotAccessState) {
        #expect(SnapshotAccessState.aggregate(states) == aggregate)
    }

    /// Premium SSD OS disk + PV2 data disk: Pending → InstantAccess → AvailableWithInstantAccess → Available.
    @Test func aMixedRestorePointWalksThroughEveryState() {
        let rp = RestorePointTimeline(.make(disks: [.makeOS(), .make(copySeconds: 1200)]))
        let walk: [(Timestamp, SnapshotAccessState)] = [
            (t0, .pending),
            (t0.plus(15, ticks: -1), .pending),
            (t0.plus(15), .instantAccess),
            (t0.plus(1215, ticks: -1), .instantAccess),
            (t0.plus(1215), .availableWithInstantAccess),
            (t0.plus(7200, ticks: -1), .availableWithInstantAccess),
            (t0.plus(7200), .available),
            (t0.plus(86_400), .available),
        ]
        for (at, state) in walk { #expect(rp.aggregate(at: at) == state, "\(at)") }
        // The OS disk alone is Available from `c`: the aggregate is the least capable of the two.
        #expect(rp.disks[0].state(at: t0.plus(15)) == .available)
        #expect(rp.disks[1].state(at: t0.plus(15)) == .instantAccess)
    }

    /// Two PV2 disks: AvailableWithInstantAccess only once the longer copy is done.
    @Test func aUniformRestorePointWaitsForItsSlowestCopy() {
        let rp = RestorePointTimeline(
            .make(disks: [
                .make(name: "a_1", sourceDiskName: "a", copySeconds: 1200),
                .make(name: "b_1", sourceDiskName: "b", lun: 1, copySeconds: 2400),
            ]))
        #expect(rp.aggregate(at: t0.plus(15)) == .instantAccess)
        #expect(rp.aggregate(at: t0.plus(1215)) == .instantAccess)
        #expect(rp.aggregate(at: t0.plus(2415, ticks: -1)) == .instantAccess)
        #expect(rp.aggregate(at: t0.plus(2415)) == .availableWithInstantAccess)
        #expect(rp.aggregate(at: t0.plus(7200)) == .available)
    }

    @Test func anInstantAccessCollectionWithoutFastDisksIsAvailableOnceCreated() {
        let rp = RestorePointTimeline(.make(disks: [.makeOS(), .make(sku: .standardSSDLRS)]))
        #expect(rp.aggregate(at: t0.plus(15, ticks: -1)) == .pending)
        #expect(rp.aggregate(at: t0.plus(15)) == .available)
    }

    @Test func aCopyOutlastingInstantAccessMakesTheAggregatePending() {
        let rp = RestorePointTimeline(
            .make(instantAccessMinutes: 60, disks: [.makeOS(), .make(copySeconds: 5000)]))
        #expect(rp.aggregate(at: t0.plus(3600, ticks: -1)) == .instantAccess)
        #expect(rp.aggregate(at: t0.plus(3600)) == .pending)
        #expect(rp.aggregate(at: t0.plus(5015)) == .available)
    }

    @Test func theRestorePointIsPendingWhileCreating() {
        let rp = RestorePointTimeline(.make(disks: [.makeOS()]))
        for at in [t0, t0.plus(1), t0.plus(14), t0.plus(15, ticks: -1)] {
            #expect(rp.aggregate(at: at) == .pending)
            #expect(rp.facts.provisioningState(at: at) == "Creating")
            #expect(!rp.facts.hasSucceeded(at: at))
        }
        #expect(rp.facts.provisioningState(at: t0.plus(15)) == "Succeeded")
        #expect(rp.facts.hasSucceeded(at: t0.plus(15)))
    }

    @Test func aFailedRestorePointStaysPendingAndReadsFailed() {
        let facts = RestorePointFacts.make(
            failure: .init(code: "InternalError", message: "Injected."), disks: [.makeOS(), .make()])
        let rp = RestorePointTimeline(facts)
        #expect(facts.provisioningState(at: t0.plus(15, ticks: -1)) == "Creating")
        for at in [t0.plus(15), t0.plus(1215), t0.plus(7200), t0.plus(86_400)] {
            #expect(facts.provisioningState(at: at) == "Failed")
            #expect(!facts.hasSucceeded(at: at))
            #expect(rp.aggregate(at: at) == .pending)
        }
    }

    @Test func provisioningOfOtherResources() {
        let creating = Provisioning(phase: .creating, readyAt: t0.plus(2))
        #expect(creating.state(at: t0) == "Creating")
        #expect(creating.state(at: t0.plus(2, ticks: -1)) == "Creating")
        #expect(creating.state(at: t0.plus(2)) == "Succeeded")
        #expect(Provisioning(phase: .updating, readyAt: t0.plus(2)).state(at: t0) == "Updating")

        let deleting = Provisioning(phase: .creating, readyAt: t0, deleteAt: t0.plus(2))
        #expect(deleting.state(at: t0.plus(1)) == "Deleting")
        #expect(deleting.exists(at: t0.plus(2, ticks: -1)))
        #expect(deleting.state(at: t0.plus(2)) == nil)
        #expect(!deleting.exists(at: t0.plus(2)))
        #expect(creating.exists(at: t0.plus(86_400)))

        // The next change: the create's end while it runs, the delete's end once one began (even mid-create).
        #expect(creating.nextChange(after: t0) == t0.plus(2))
        #expect(creating.nextChange(after: t0.plus(2, ticks: -1)) == t0.plus(2))
        #expect(creating.nextChange(after: t0.plus(2)) == nil)
        #expect(deleting.nextChange(after: t0) == t0.plus(2))
        #expect(deleting.nextChange(after: t0.plus(2)) == nil)
        let deletedWhileCreating = Provisioning(phase: .creating, readyAt: t0.plus(9), deleteAt: t0.plus(2))
        #expect(deletedWhileCreating.nextChange(after: t0) == t0.plus(2))
        #expect(deletedWhileCreating.nextChange(after: t0.plus(3)) == nil)
    }
}

/// Replication status per DRP (CONTRACT.md §5.2, §5.5): 0 % at `c`, steps of the report interval, 100 exactly at
/// the end of the copy.
@Suite struct ReplicationStatusTests {
    static func timeline(copySeconds: Double = 3000, replication: DiskRestorePointFacts.Replication? = nil)
        -> DiskRestorePointTimeline
    {
        let drp = DiskRestorePointFacts.make(copySeconds: copySeconds, replication: replication)
        return DiskRestorePointTimeline(disk: drp, point: .make(disks: [drp]))
    }

    /// A same-region PV2 copy of 3000 s reports in the default 600 s steps.
    @Test(arguments: [
        (0.0, true, 0), (1, true, 0), (599, true, 0), (600, true, 20), (1199, true, 20), (1200, true, 40),
        (2400, true, 80), (2999, true, 80), (3000, false, 100), (3001, false, 100), (86_400, false, 100),
    ])
    func aBackgroundCopyReportsInTenMinuteSteps(afterC: Double, replicating: Bool, percent: Int) {
        let status = Self.timeline().replication(at: t0.plus(15 + afterC))
        #expect(status.replicating == replicating)
        #expect(status.percent == percent)
    }

    @Test func zeroPercentAtCreationAndBefore() {
        let timeline = Self.timeline()
        #expect(timeline.replication(at: t0.plus(15)) == (true, 0))
        #expect(timeline.replication(at: t0) == (true, 0))
    }

    @Test func neverOneHundredBeforeTheCopyEnds() {
        let timeline = Self.timeline(
            copySeconds: 1000, replication: .init(sourceLocation: "westus", seconds: 1000, reportInterval: 0))
        let lastTick = timeline.replication(at: t0.plus(1015, ticks: -1))
        #expect(lastTick == (true, 99))
        #expect(timeline.replication(at: t0.plus(1015)) == (false, 100))
    }

    /// Replications use their own interval; 0 = continuous.
    @Test(arguments: [
        (0.0, 0.0, 0), (0, 1, 0), (0, 500, 50), (0, 999, 99), (0, 1000, 100),
        (600, 599, 0), (600, 600, 60), (600, 999, 60), (600, 1000, 100),
        (300, 299, 0), (300, 300, 30), (300, 899, 60), (300, 900, 90),
    ])
    func aReplicationReportsInItsOwnSteps(interval: Double, afterC: Double, percent: Int) {
        let timeline = Self.timeline(
            replication: .init(sourceLocation: "westus", seconds: 1000, reportInterval: interval))
        let status = timeline.replication(at: t0.plus(15 + afterC))
        #expect(status.percent == percent)
        #expect(status.replicating == (afterC < 1000))
    }

    @Test func disksWithoutACopyAreDoneAtCreation() {
        let drp = DiskRestorePointFacts.makeOS()
        let timeline = DiskRestorePointTimeline(disk: drp, point: .make(disks: [drp]))
        #expect(timeline.replication(at: t0.plus(15)) == (false, 100))
        #expect(!drp.isTracked)
    }

    @Test func theRestorePointReplicatesWhileAListedDiskCopies() {
        let rp = RestorePointTimeline(.make(disks: [.makeOS(), .make(copySeconds: 1200)]))
        #expect(rp.isReplicating(at: t0.plus(15)))
        #expect(rp.isReplicating(at: t0.plus(1215, ticks: -1)))
        #expect(!rp.isReplicating(at: t0.plus(1215)))
        let premiumOnly = RestorePointTimeline(.make(disks: [.makeOS()]))
        #expect(!premiumOnly.isReplicating(at: t0.plus(15)))
        #expect(!premiumOnly.isReplicating(at: t0))
    }

    @Test func listedDisksArePV2UltraAndReplicatedOnes() {
        #expect(DiskRestorePointFacts.make(sku: .premiumV2LRS).isTracked)
        #expect(DiskRestorePointFacts.make(sku: .ultraSSDLRS, instantAccess: false).isTracked)
        #expect(!DiskRestorePointFacts.make(sku: .premiumLRS).isTracked)
        #expect(
            DiskRestorePointFacts.make(
                sku: .premiumLRS, replication: .init(sourceLocation: "westus", seconds: 10, reportInterval: 600)
            ).isTracked)
    }
}
