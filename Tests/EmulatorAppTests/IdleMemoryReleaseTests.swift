import EmuHTTP
import Synchronization
import Testing

@testable import EmulatorApp

/// When the store's caches are given back: once after each burst of requests, never during one.
@Suite struct IdleMemoryReleaseTests {
    @Test func releasesOnceAfterABurstAndNeverDuringOne() {
        let releases = Atomic<Int>(0)
        let idle = IdleMemoryRelease { releases.add(1, ordering: .relaxed) }
        #expect(!idle.tick())  // nothing happened yet
        idle.noteRequest()
        #expect(!idle.tick())  // requests since the last check: still busy
        idle.noteRequest()
        #expect(!idle.tick())
        #expect(idle.tick())  // a quiet interval after the burst
        #expect(!idle.tick())  // and only once
        idle.noteRequest()
        #expect(!idle.tick())
        #expect(idle.tick())
        #expect(releases.load(ordering: .relaxed) == 2)
        idle.stop()
    }

    @Test func aServedRequestCountsAndTheStoreKeepsAnswering() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        #expect(!e.emulator.idle.tick())
        #expect(e.emulator.idle.tick())
        #expect(e.call(.get, e.rg("rg1"), api: "2024-11-01").status == 200)
    }
}
