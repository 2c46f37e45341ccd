import EmuCore
import EmuHTTP
import RestorePointEngine
import Testing

@testable import EmulatorApp

/// `POST /_emulator/clock`'s answer is streamed a page of the schedule at a time (`ClockChangeStream`).
@Suite("Clock answer")
struct ClockAnswerTests {
    private func rp(_ e: TestEmulator, _ name: String) -> String {
        e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/\(name)"
    }

    /// A frozen clock, instant creations, and rg1/vm1/rpc1 to create restore points in.
    private func frozenWithCollection() throws -> TestEmulator {
        let e = try TestEmulator {
            $0.timings.restorePointCreate = 0
            $0.clockFrozen = true
        }
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        return e
    }

    private func clock(_ e: TestEmulator, _ body: JSON) -> Reply {
        e.call(.post, "/_emulator/clock", api: nil, body: body)
    }

    @Test func aClockMoveListsEveryChangePastOnePage() throws {
        let e = try frozenWithCollection()
        let count = 80
        for i in 0..<count {
            #expect(
                e.call(.put, rp(e, "rp\(i)"), body: ["properties": ["instantAccessDurationMinutes": 60]]).status == 201)
        }
        // What each restore point's own timeline has still to come, summed: the move must list all of it.
        var expected = 0
        for i in 0..<count {
            let timeline = e.call(.get, "/_emulator/resources" + rp(e, "rp\(i)") + "/timeline", api: nil)
            expected += timeline.json["scheduled"]?.arrayValue?.count ?? 0
        }
        #expect(count * 2 > ClockChangeStream.pageSize)  // a page is rows: one per restore point and instant, ≥ 2 each
        let moved = clock(e, ["advance": "P1D"])
        #expect(moved.status == 200)
        #expect(moved.json["frozen"]?.boolValue == true)
        let changes = moved.json["changes"]?.arrayValue ?? []
        #expect(changes.count == expected)
        let times = changes.compactMap { $0["at"]?.stringValue.flatMap(Timestamp.init(iso8601:)) }
        #expect(times.count == expected)
        #expect(times == times.sorted())
        #expect(Set(changes.map { $0.serialized() }).count == expected)  // no change listed twice
        #expect(clock(e, ["advance": "P1D"]).json["changes"]?.arrayValue == [])
    }

    @Test func changesAtOneInstantAreListedInTheOrderTheirRestorePointsWereCreated() throws {
        let e = try frozenWithCollection()
        // Created against key order: a frozen clock gives both the same instants.
        let created = [rp(e, "rpb"), rp(e, "rpa")]
        for id in created {
            #expect(e.call(.put, id, body: ["properties": ["instantAccessDurationMinutes": 60]]).status == 201)
        }
        let changes = clock(e, ["advance": "P1D"]).json["changes"]?.arrayValue ?? []
        let keys = created.map { $0.lowercased() }
        var owners: [String: [Int]] = [:]  // at → index in `created` of each change's restore point, as listed
        for change in changes {
            // The restore point itself or one of its disk restore points.
            let resource = change["resource"]?.stringValue?.lowercased() ?? ""
            let owner = try #require(keys.firstIndex { resource == $0 || resource.hasPrefix($0 + "/") })
            owners[change["at"]?.stringValue ?? "", default: []].append(owner)
        }
        #expect(owners.values.contains { Set($0) == [0, 1] })
        for (at, listed) in owners {
            #expect(listed == listed.sorted(), "at \(at)")
        }
    }
}
