import EmuCore
import RestorePointEngine
import Testing

@testable import EmulatorStore

@Suite("Operations, clock, subscriptions and meta")
struct RecordTests {
    @Test("an operation round-trips; nil and JSON null stay distinct", arguments: StoreKind.allCases)
    func operationRoundTrip(kind: StoreKind) throws {
        try withStore(kind) { store in
            let plain = Fixture.operation(id: "op-plain")
            let failed = Fixture.operation(
                id: "op-failed", outcome: "Failed", error: ["code": "Conflict", "message": "déjà vu 🚫"],
                result: .null)
            try store.write { tx in
                try tx.insert(plain)
                try tx.insert(failed)
            }
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.operation(id: "op-plain") == plain)
                #expect(try tx.operation(id: "op-failed") == failed)
                #expect(try tx.operation(id: "op-missing") == nil)
            }
        }
    }

    @Test("update replaces an operation; inserting a taken id is a constraint violation", arguments: StoreKind.allCases)
    func operationUpdate(kind: StoreKind) throws {
        try withStore(kind) { store in
            var op = Fixture.operation()
            try store.write { tx in try tx.insert(op) }
            op.outcome = "Canceled"
            op.endTime = Timestamp(ticks: 12_345)
            op.result = ["ok": false]
            #expect(try store.write { tx in try tx.update(op) })
            #expect(try store.read { tx in try tx.operation(id: op.id) } == op)
            #expect(try !store.write { tx in try tx.update(Fixture.operation(id: "nobody")) })

            let error = #expect(throws: StoreError.self) { try store.write { tx in try tx.insert(op) } }
            guard case .sqlite(let sqlite) = error else {
                Issue.record("expected an SQLite error, got \(String(describing: error))")
                return
            }
            #expect(sqlite.isConstraintViolation)
        }
    }

    @Test("the clock is saved and replaced", arguments: StoreKind.allCases)
    func clock(kind: StoreKind) throws {
        try withStore(kind) { store in
            #expect(try store.read { tx in try tx.clock() } == nil)
            let first = EmulatedClock(
                anchor: Timestamp(ticks: 1_234_567), realAnchor: Timestamp(ticks: 7), scale: 60, frozen: false)
            try store.write { tx in try tx.save(clock: first) }
            #expect(try store.read { tx in try tx.clock() } == first)
            let second = EmulatedClock(
                anchor: Timestamp(ticks: -5), realAnchor: Timestamp(ticks: 9), scale: 0.25, frozen: true)
            try store.write { tx in try tx.save(clock: second) }
            #expect(try store.read { tx in try tx.clock() } == second)
        }
    }

    @Test("subscriptions are keyed case-insensitively and keep their case", arguments: StoreKind.allCases)
    func subscriptions(kind: StoreKind) throws {
        try withStore(kind) { store in
            var record = Fixture.subscriptionRecord(id: "BBBB-2")
            let other = Fixture.subscriptionRecord(id: "aaaa-1")
            try store.write { tx in
                try tx.upsert(record)
                try tx.upsert(other)
            }
            #expect(try store.read { tx in try tx.subscription(id: "bbbb-2") } == record)
            #expect(try store.read { tx in try tx.subscriptions() } == [other, record])

            record.state = "Disabled"
            record.subscriptionId = "bbbb-2"
            try store.write { tx in try tx.upsert(record) }
            #expect(try store.read { tx in try tx.subscription(id: "BBBB-2") } == record)
            #expect(try store.read { tx in try tx.subscriptions() }.count == 2)
        }
    }

    @Test("meta values are set, replaced and removed", arguments: StoreKind.allCases)
    func meta(kind: StoreKind) throws {
        try withStore(kind) { store in
            #expect(try store.read { tx in try tx.meta("seed") } == nil)
            try store.write { tx in try tx.setMeta("seed", "applied ✓") }
            #expect(try store.read { tx in try tx.meta("seed") } == "applied ✓")
            try store.write { tx in try tx.setMeta("seed", "") }
            #expect(try store.read { tx in try tx.meta("seed") } == "")
            try store.write { tx in try tx.setMeta("seed", nil) }
            #expect(try store.read { tx in try tx.meta("seed") } == nil)
        }
    }
}
