import EmuCore
import Testing

@testable import EmulatorStore

@Suite("Scheduled state changes")
struct ScheduleTests {
    static let first = Fixture.restorePointKey("rp1")
    /// Sorts after `first` by key, before it by nothing else: ties at one instant go by key.
    static let second = Fixture.restorePointKey("rp2")
    /// `first` plus a character: a prefix match on `first` would catch it.
    static let neighbour = Fixture.restorePointKey("rp10")

    /// Changes inserted out of order: two instants shared by several keys and sequence numbers.
    static let changes: [ScheduledChange] = [
        Fixture.change(second, at: 20, seq: 1, to: "s20.1"),
        Fixture.change(first, at: 30, to: "f30"),
        Fixture.change(second, at: 20, seq: 0, to: "s20.0"),
        Fixture.change(first, at: 20, seq: 1, to: "f20.1"),
        Fixture.change(neighbour, at: 10, to: "n10"),
        Fixture.change(first, at: 20, seq: 0, to: "f20.0"),
        Fixture.change(first, at: 10, to: "f10"),
    ]

    private func names(_ changes: [ScheduledChange]) -> [String] {
        changes.map { $0.body["to"]?.stringValue ?? "?" }
    }

    @Test("a window is after < at ≤ through, ordered by at, key, seq", arguments: StoreKind.allCases)
    func windowBounds(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try tx.insert(Self.changes) }
            func window(_ after: Int64, _ through: Int64, limit: Int = .max) throws -> [String] {
                try store.read { tx in names(try tx.windowChanges(after: after, through: through, limit: limit)) }
            }
            #expect(try window(0, 100) == ["f10", "n10", "f20.0", "f20.1", "s20.0", "s20.1", "f30"])
            #expect(try window(10, 20) == ["f20.0", "f20.1", "s20.0", "s20.1"])
            #expect(try window(9, 10) == ["f10", "n10"])
            #expect(try window(10, 19) == [])
            #expect(try window(20, 30) == ["f30"])
            #expect(try window(30, 1_000) == [])
            #expect(try window(20, 20) == [])
            #expect(try window(30, 10) == [])
            #expect(try window(0, 100, limit: 3) == ["f10", "n10", "f20.0"])
            #expect(try window(0, 100, limit: 0) == [])
            #expect(try window(Int64.min, Int64.max).count == Self.changes.count)
        }
    }

    @Test(
        "a window read in pages continues where the last page stopped, one instant split or not",
        arguments: StoreKind.allCases)
    func windowPages(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try tx.insert(Self.changes) }
            for page in 1...8 {
                var texts: [String] = []
                var position: ScheduledChange.Position?
                var reads = 0
                repeat {
                    position = try store.read { (tx) throws(StoreError) in
                        try tx.visitScheduledChanges(
                            after: .init(ticks: 0), through: .init(ticks: 25), past: position, limit: page
                        ) { texts.append(String(decoding: $0, as: UTF8.self)) }
                    }
                    reads += 1
                } while position != nil
                let bodies = try texts.map { try JSONParser.parse($0)["to"]?.stringValue ?? "?" }
                #expect(bodies == ["f10", "n10", "f20.0", "f20.1", "s20.0", "s20.1"], "page \(page)")
                #expect(reads == (6 + page - 1) / page + 1, "page \(page)")  // the last read finds nothing more
            }
        }
    }

    @Test(
        "a resource's schedule is in (at, seq) order and excludes keys that merely share a prefix",
        arguments: StoreKind.allCases)
    func byResource(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try tx.insert(Self.changes) }
            try store.read { (tx) throws(StoreError) in
                #expect(names(try tx.scheduledChanges(resourceKey: Self.first)) == ["f10", "f20.0", "f20.1", "f30"])
                #expect(names(try tx.scheduledChanges(resourceKey: Self.neighbour)) == ["n10"])
                #expect(try tx.scheduledChanges(resourceKey: Fixture.restorePointKey("rp")) == [])
            }
        }
    }

    @Test("a change round-trips with its body; an empty insert does nothing", arguments: StoreKind.allCases)
    func roundTrip(kind: StoreKind) throws {
        try withStore(kind) { store in
            let change = ScheduledChange(
                resourceKey: Self.first, at: Timestamp(ticks: -42), seq: 7, body: Fixture.unicodeBody)
            try store.write { tx in
                try tx.insert([change])
                try tx.insert([])
            }
            #expect(try store.read { tx in try tx.scheduledChanges(resourceKey: Self.first) } == [change])
        }
    }

    @Test("a taken (key, at, seq) fails the whole insert; the transaction rolls back", arguments: StoreKind.allCases)
    func duplicate(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try tx.insert([Fixture.change(Self.first, at: 10, to: "kept")]) }
            let error = #expect(throws: StoreError.self) {
                try store.write { tx in
                    try tx.insert([
                        Fixture.change(Self.second, at: 5, to: "lost"),
                        Fixture.change(Self.first, at: 10, to: "again"),
                    ])
                }
            }
            guard case .sqlite(let sqlite) = error else {
                Issue.record("expected a SQLite error, got \(String(describing: error))")
                return
            }
            #expect(sqlite.isConstraintViolation)
            let all = try store.read { tx in try tx.windowChanges(after: 0, through: 99) }
            #expect(names(all) == ["kept"])
        }
    }

    @Test("deleteScheduledChanges removes one resource's schedule only", arguments: StoreKind.allCases)
    func deleteOne(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try tx.insert(Self.changes) }
            #expect(try store.write { tx in try tx.deleteScheduledChanges(resourceKey: Self.first) } == 4)
            #expect(try store.write { tx in try tx.deleteScheduledChanges(resourceKey: Self.first) } == 0)
            let left = try store.read { tx in try tx.windowChanges(after: 0, through: 100) }
            #expect(names(left) == ["n10", "s20.0", "s20.1"])
        }
    }
}
