import EmuCore
import EmuHTTP
import EmulatorApp
import Testing

@Suite("Incremental snapshots")
struct LineageTests {
    static let gib: Int64 = 1_073_741_824

    /// 1 % of 32 GiB per emulated hour, rounded as the engine rounds.
    static func churn(hours: Double) -> Int64 { Int64((Double(32 * gib) / 100 * hours).rounded()) }

    /// The PV2 data disk's snapshot size in restore point `name`, from the introspection view.
    private func dataSize(_ e: TestEmulator, _ name: String) -> Int64? {
        dataSize(e, at: e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/\(name)")
    }

    private func take(_ e: TestEmulator, _ name: String) throws {
        try take(e, at: e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/\(name)")
    }

    @Test func sizesFollowChurnWritesAndDeletes() throws {
        // Frozen, so only the test's own moves pass time and sizes are exact.
        let e = try TestEmulator { $0.clockFrozen = true }
        e.makeResourceGroup()
        e.makeVM(dataDisks: [(0, "PremiumV2_LRS", 32)])
        e.makeCollection()
        try take(e, "rp1")
        #expect(dataSize(e, "rp1") == 32 * Self.gib)
        // 10 emulated hours of 1 %/h churn on 32 GiB.
        try e.advance(seconds: 10 * 3600 - 15)
        try take(e, "rp2")
        #expect(dataSize(e, "rp2") == Self.churn(hours: 10))
        try e.advance(seconds: 3600 - 15)
        let disk = e.cp("rg1") + "/disks/vm1_DataDisk_0"
        let w = e.call(.post, "/_emulator/disks" + disk + "/writes", api: nil, body: ["bytes": .int(Self.gib)])
        #expect(w.status == 200)
        try take(e, "rp3")
        let third = Self.churn(hours: 1) + Self.gib
        #expect(dataSize(e, "rp3") == third)
        // Deleting the middle one folds its bytes into the next: rp3 stays complete.
        #expect(e.call(.delete, e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp2").status == 202)
        #expect(dataSize(e, "rp3") == third + Self.churn(hours: 10))
        // Deleting the newest carries its bytes into the next snapshot.
        #expect(e.call(.delete, e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp3").status == 202)
        try e.advance(seconds: 2)
        try take(e, "rp4")
        // rp4 comes 17 s after rp3 (its 15 s of creation and the 2 s of the delete).
        #expect(dataSize(e, "rp4") == third + Self.churn(hours: 10) + Self.churn(hours: 17.0 / 3600))
        // With every snapshot of the lineage gone, the next one is full again.
        for name in ["rp1", "rp4"] {
            #expect(e.call(.delete, e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/\(name)").status == 202)
        }
        try e.advance(seconds: 2)
        try take(e, "rp5")
        #expect(dataSize(e, "rp5") == 32 * Self.gib)
    }

    /// The PV2 data disk's snapshot size in the restore point at `rp` (an ARM id).
    private func dataSize(_ e: TestEmulator, at rp: String) -> Int64? {
        e.call(.get, "/_emulator/resources" + rp, api: nil).json["restorePoint"]?["diskRestorePoints"]?.arrayValue?
            .first { $0["sourceResourceId"]?.stringValue?.hasSuffix("/vm1_DataDisk_0") == true }?["sizeBytes"]?.intValue
    }

    private func take(_ e: TestEmulator, at rp: String) throws {
        #expect(e.call(.put, rp, body: ["properties": [:]]).status == 201)
        try e.advance(seconds: 15)
    }

    @Test func deletingACollectionFoldsItsSnapshotsIntoTheLineageThatStays() throws {
        let e = try TestEmulator { $0.clockFrozen = true }
        e.makeResourceGroup()
        e.makeVM(dataDisks: [(0, "PremiumV2_LRS", 32)])
        e.makeCollection("rpc1")
        e.makeCollection("rpc2")
        let rpc1 = e.cp("rg1") + "/restorePointCollections/rpc1"
        let kept = e.cp("rg1") + "/restorePointCollections/rpc2/restorePoints/b1"
        try take(e, at: rpc1 + "/restorePoints/a1")
        try e.advance(seconds: 10 * 3600 - 15)
        try take(e, at: rpc1 + "/restorePoints/a2")
        #expect(dataSize(e, at: rpc1 + "/restorePoints/a2") == Self.churn(hours: 10))
        try e.advance(seconds: 3600 - 15)
        try take(e, at: kept)
        #expect(dataSize(e, at: kept) == Self.churn(hours: 1))
        // a1 (full) folds into a2, then a2 into b1: b1 alone now holds the whole disk.
        #expect(e.call(.delete, rpc1).status == 202)
        #expect(dataSize(e, at: kept) == 32 * Self.gib)
    }

    @Test func deletingAResourceGroupFoldsSnapshotsOfAVMOutsideIt() throws {
        let e = try TestEmulator { $0.clockFrozen = true }
        e.makeResourceGroup("rg1")
        e.makeResourceGroup("rg2")
        e.makeVM(dataDisks: [(0, "PremiumV2_LRS", 32)])
        e.makeCollection("elsewhere", in: "rg2", source: e.vmID())
        e.makeCollection("rpc1")
        let kept = e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/b1"
        try take(e, at: e.cp("rg2") + "/restorePointCollections/elsewhere/restorePoints/a1")
        try e.advance(seconds: 3600 - 15)
        try take(e, at: kept)
        #expect(dataSize(e, at: kept) == Self.churn(hours: 1))
        #expect(e.call(.delete, e.rg("rg2")).status == 202)
        #expect(dataSize(e, at: kept) == 32 * Self.gib)
        // With rg2's snapshot folded, the lineage's newest is b1: deleting it carries its bytes to the disk.
        #expect(e.call(.delete, kept).status == 202)
        try e.advance(seconds: 2)
        try take(e, at: e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/b2")
        #expect(dataSize(e, at: e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/b2") == 32 * Self.gib)
    }
}
