import EmuCore
import RestorePointEngine
import Testing

/// `nextChange(after:)`: how long what a restore point shows at one instant stays true (the render cache relies
/// on it, docs/performance.md).
@Suite struct NextChangeTests {
    static let os = DiskRestorePointFacts.makeOS()
    /// A 32 GiB PV2 data disk copied in 1310.72 s, progress reported every 600 s.
    static let data = DiskRestorePointFacts.make(diskSizeGB: 32, copySeconds: 1310.72)
    /// A Premium SSD disk replicated from westus in 1000 s, reported every 300 s.
    static let replicated = DiskRestorePointFacts.make(
        name: "vm1_DataDisk_1_5f1c2d3e-0000-4000-8000-000000000004", sourceDiskName: "vm1_DataDisk_1",
        sku: .premiumLRS, diskSizeGB: 8, lun: 1,
        replication: .init(sourceLocation: "westus", seconds: 1000, reportInterval: 300))

    static let timelines = [
        RestorePointTimeline(.make(instantAccessMinutes: 120, disks: [os, data])),
        RestorePointTimeline(.make(createSeconds: 0, collectionInstantAccess: false, disks: [replicated])),
    ]

    /// Everything a restore point's document shows that depends on the instant.
    static func observed(_ timeline: RestorePointTimeline, at now: Timestamp) -> [String] {
        [timeline.facts.provisioningState(at: now), timeline.aggregate(at: now).rawValue]
            + ["\(timeline.isReplicating(at: now))"]
            + timeline.disks.flatMap { d -> [String] in
                let r = d.replication(at: now)
                return [d.state(at: now).rawValue, "\(r.replicating) \(r.percent)"]
            }
    }

    @Test func theInstantsOfAnInstantAccessRestorePoint() {
        let rp = Self.timelines[0]
        let c = t0.plus(15)
        #expect(rp.nextChange(after: t0) == c)
        // From `c` the copy reports every 600 s (a millisecond early), then ends at 1310.72 s; then `end`.
        #expect(rp.nextChange(after: c) == c.plus(599.999))
        #expect(rp.nextChange(after: c.plus(600)) == c.plus(1199.999))
        #expect(rp.nextChange(after: c.plus(1200)) == c.plus(1310.72))
        #expect(rp.nextChange(after: c.plus(1310.72)) == t0.plus(7200))
        #expect(rp.nextChange(after: t0.plus(7200)) == nil)
    }

    @Test func aContinuousReportHoldsForNoTime() {
        var disk = Self.data
        disk.reportInterval = 0
        let rp = RestorePointTimeline(.make(instantAccessMinutes: 120, disks: [disk]))
        let during = t0.plus(100)
        #expect(rp.nextChange(after: during) == during)
        #expect(rp.nextChange(after: t0.plus(7000)) == t0.plus(7200))
    }

    /// Between an instant and its next change, every instant reads the same; walked every 7 s and on both sides
    /// of every boundary, through each fixture's whole life.
    @Test(arguments: 0..<2)
    func nothingChangesBeforeTheNextChange(fixture: Int) {
        let rp = Self.timelines[fixture]
        var instants = stride(from: -20.0, through: 7300, by: 7).map { t0.plus($0) }
        for change in rp.changes { instants += [change.at.plus(ticks: -1), change.at, change.at.plus(ticks: 1)] }
        for now in instants {
            let seen = Self.observed(rp, at: now)
            guard let next = rp.nextChange(after: now) else {
                #expect(Self.observed(rp, at: now.plus(86_400 * 365)) == seen, "after \(now)")
                continue
            }
            #expect(next >= now)
            guard next > now else { continue }
            for probe in [now, now.plus(ticks: (next.ticks - now.ticks) / 2), next.plus(ticks: -1)] {
                #expect(Self.observed(rp, at: probe) == seen, "\(probe) before \(next), seen at \(now)")
            }
        }
    }
}
