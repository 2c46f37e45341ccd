import Dispatch
import EmuCore
import EmuHTTP
import EmulatorApp
import Synchronization
import Testing

/// Races decided by the store's single writer (docs/rules.md): the responder is called from many threads at once,
/// as the socket connections call it.
@Suite("Creation races")
struct RaceTests {
    @Test func twoCreatesOnOneVMGetExactlyOne201() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        for round in 0..<10 {
            e.makeVM("vm\(round)")
            e.makeCollection("rpc\(round)", source: e.vmID("vm\(round)"))
            let statuses = Mutex<[Int]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let r = e.call(
                    .put, e.cp("rg1") + "/restorePointCollections/rpc\(round)/restorePoints/rp\(i)",
                    body: ["properties": [:]])
                statuses.withLock { $0.append(r.status) }
            }
            #expect(statuses.withLock { $0.sorted() } == [201, 409], "round \(round)")
        }
    }

    @Test func sixtyInstantAccessCreatesGetExactlyFifty() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        for i in 0..<60 {
            e.makeVM("vm\(i)")
            e.makeCollection("rpc\(i)", source: e.vmID("vm\(i)"))
        }
        let statuses = Mutex<[Int: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: 60) { i in
            let r = e.call(
                .put, e.cp("rg1") + "/restorePointCollections/rpc\(i)/restorePoints/rp", body: ["properties": [:]])
            statuses.withLock { $0[r.status, default: 0] += 1 }
        }
        #expect(statuses.withLock { $0 } == [201: 50, 409: 10])
    }
}

@Suite("Restart in the middle of a life cycle")
struct RestartLifecycleTests {
    @Test func statesResumeExactlyWhereTheClockSays() throws {
        let dir = "/tmp/rpemu-restart-\(GUID.make())"
        defer { _ = try? removeTree(dir) }
        func open() throws -> TestEmulator {
            try TestEmulator {
                $0.inMemory = false
                $0.dataDirectory = dir
                $0.clockFrozen = true
            }
        }
        var e = try open()
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        let rp = e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp1"
        e.call(.put, rp, body: ["properties": ["instantAccessDurationMinutes": 120]])
        e.call(.post, "/_emulator/clock", api: nil, body: ["advance": "PT11M"])
        let before = e.call(.get, rp + "?$expand=instanceView")
        e.emulator.stop()

        e = try open()
        let after = e.call(.get, rp + "?$expand=instanceView")
        #expect(after.status == 200)
        #expect(after.headers["x-ms-emulator-now"] == before.headers["x-ms-emulator-now"])
        #expect(after.json == before.json)
        #expect(after.json["properties"]?["instantAccessStatus"]?.stringValue == "InstantAccess")
        let moved = e.call(.post, "/_emulator/clock", api: nil, body: ["advance": "PT15M"])
        let tos = moved.json["changes"]?.arrayValue?.compactMap { $0["to"]?.stringValue } ?? []
        #expect(tos == ["AvailableWithInstantAccess", "AvailableWithInstantAccess"])
        e.emulator.stop()
    }
}
