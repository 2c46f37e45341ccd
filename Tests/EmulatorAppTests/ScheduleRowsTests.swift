import EmuCore
import EmuHTTP
import EmulatorStore
import Testing

@testable import EmulatorApp

/// The stored schedule: one row per restore point and instant, holding that instant's changes (`Schedule`).
@Suite("Schedule rows")
struct ScheduleRowsTests {
    @Test func aRestorePointStoresOneRowPerInstantHoldingThatInstantsChanges() throws {
        let e = try TestEmulator { $0.clockFrozen = true }
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        let rp = e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp1"
        #expect(e.call(.put, rp, body: ["properties": ["instantAccessDurationMinutes": 60]]).status == 201)
        let rows = try e.emulator.app.db.store.read { tx in
            try tx.scheduledChanges(resourceKey: rp.lowercased())
        }
        #expect(rows.count >= 2)  // at least the creation's end and the instant access end
        #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.at < $1.at })
        for row in rows {
            let changes = try #require(row.body.arrayValue)
            #expect(!changes.isEmpty)
            #expect(changes.allSatisfy { $0["at"]?.stringValue == row.at.iso8601 })
        }
        let timeline = e.call(.get, "/_emulator/resources" + rp + "/timeline", api: nil).json
        let listed = (timeline["past"]?.arrayValue ?? []) + (timeline["scheduled"]?.arrayValue ?? [])
        #expect(listed == Schedule.flatten(rows))
        #expect(listed.count > rows.count)
    }
}
