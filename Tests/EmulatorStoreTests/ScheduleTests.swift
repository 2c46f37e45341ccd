import EmuCore
import Testing

@testable import EmulatorStore

@Suite("Scheduled state changes")
struct ScheduleTests {
    static let first = Fixture.restorePointKey("rp1")
    /// Sorts after `first` by key: at one instant its changes still come in the order they were inserted.
    static let second = Fixture.restorePointKey("rp2")
    /// `first` plus a character: a prefix match on `first` would catch it.
    static let neighbour = Fixture.restorePointKey("rp10")

    /// Changes inserted out of time order, instants shared by several keys, and at each instant not in key order.
    static let changes: [ScheduledChange] = [
        Fixture.change(second, at: 20, to: "s20.0"),
        Fixture.change(first, at: 30, to: "f30"),
        Fixture.change(first, at: 20, to: "f20.0"),
        Fixture.change(second, at: 20, to: "s20.1"),
        Fixture.change(neighbour, at: 10, to: "n10"),
        Fixture.change(first, at: 20, to: "f20.1"),
        Fixture.change(first, at: 10, to: "f10"),
    ]

    /// Every change of `changes` in window order: by instant, then as inserted.
    static let window = ["n10", "f10", "s20.0", "f20.0", "s20.1", "f20.1", "f30"]

    /// Stores `changes` under the index rows of their restore points, upserting those first (schema 7: a change is
    /// stored under its restore point's row).
    static func schedule(_ tx: WriteTransaction, _ changes: [ScheduledChange]) throws(StoreError) {
        for key in Set(changes.map(\.resourceKey)) where try tx.restorePointIndex(key: key) == nil {
            try tx.upsert(
                RestorePointIndexRecord(
                    key: key, vmKey: Fixture.vmKey(), subscription: Fixture.subscription, location: "eastus",
                    instantAccess: false, creationEnd: Timestamp(ticks: 100)))
        }
        try tx.insert(changes)
    }

    private func names(_ bodies: [JSON]) -> [String] {
        bodies.map { $0["to"]?.stringValue ?? "?" }
    }

    private func position(_ at: Int64, _ seq: Int) -> ScheduledChange.Position {
        ScheduledChange.Position(at: Timestamp(ticks: at), seq: seq)
    }

    @Test("a window is after < at ≤ through, ordered by at, then insertion order", arguments: StoreKind.allCases)
    func windowBounds(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try Self.schedule(tx, Self.changes) }
            func window(_ after: Int64, _ through: Int64, limit: Int = .max) throws -> [String] {
                try store.read { tx in
                    names(try tx.windowChanges(after: after, through: through, limit: limit).map { $0.body })
                }
            }
            #expect(try window(0, 100) == Self.window)
            #expect(try window(10, 20) == ["s20.0", "f20.0", "s20.1", "f20.1"])
            #expect(try window(9, 10) == ["n10", "f10"])
            #expect(try window(10, 19) == [])
            #expect(try window(20, 30) == ["f30"])
            #expect(try window(30, 1_000) == [])
            #expect(try window(20, 20) == [])
            #expect(try window(30, 10) == [])
            #expect(try window(0, 100, limit: 3) == ["n10", "f10", "s20.0"])
            #expect(try window(0, 100, limit: 0) == [])
            #expect(try window(Int64.min, Int64.max).count == Self.changes.count)
            // Each instant numbers its own changes from 0, whatever their resource.
            let positions = try store.read { tx in try tx.windowChanges(after: 0, through: 100).map { $0.position } }
            #expect(
                positions == [
                    position(10, 0), position(10, 1), position(20, 0), position(20, 1), position(20, 2),
                    position(20, 3), position(30, 0),
                ])
        }
    }

    @Test(
        "a window read in pages continues where the last page stopped, one instant split or not",
        arguments: StoreKind.allCases)
    func windowPages(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try Self.schedule(tx, Self.changes) }
            func page(past: ScheduledChange.Position?, limit: Int) throws -> ([String], ScheduledChange.Position?) {
                var texts: [String] = []
                let next = try store.read { (tx) throws(StoreError) in
                    try tx.visitScheduledChanges(
                        after: .init(ticks: 0), through: .init(ticks: 25), past: past, limit: limit
                    ) { texts.append(String(decoding: $0, as: UTF8.self)) }
                }
                return (try texts.map { try JSONParser.parse($0)["to"]?.stringValue ?? "?" }, next)
            }
            for size in 1...8 {
                var bodies: [String] = []
                var stop: ScheduledChange.Position?
                var reads = 0
                repeat {
                    let (read, next) = try page(past: stop, limit: size)
                    bodies += read
                    stop = next
                    reads += 1
                } while stop != nil
                #expect(bodies == Array(Self.window.prefix(6)), "page \(size)")
                #expect(reads == (6 + size - 1) / size + 1, "page \(size)")  // the last read finds nothing more
            }
            // From inside an instant: after its second change, the rest of it and no more than asked.
            let (rest, stopped) = try page(past: position(20, 1), limit: 2)
            #expect(rest == ["s20.1", "f20.1"])
            #expect(stopped == position(20, 3))
            #expect(try page(past: position(20, 3), limit: 2) == ([], nil))
        }
    }

    @Test(
        "a later insert at a stored instant comes after the changes already there, in the order given",
        arguments: StoreKind.allCases)
    func laterInsert(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try Self.schedule(tx, Self.changes) }
            try store.write { tx in
                try Self.schedule(
                    tx,
                    [
                        Fixture.change(Self.neighbour, at: 20, to: "n20"),
                        Fixture.change(Self.first, at: 10, to: "f10.1"),
                        Fixture.change(Self.first, at: 20, to: "f20.2"),
                    ])
            }
            let window = try store.read { tx in try tx.windowChanges(after: 0, through: 100) }
            #expect(
                names(window.map { $0.body }) == [
                    "n10", "f10", "f10.1", "s20.0", "f20.0", "s20.1", "f20.1", "n20", "f20.2", "f30",
                ])
            #expect(window.map { $0.position.seq } == [0, 1, 2, 0, 1, 2, 3, 4, 5, 0])
            try store.read { (tx) throws(StoreError) in
                let own = try tx.scheduledChanges(resourceKey: Self.first)
                #expect(names(own.map(\.body)) == ["f10", "f10.1", "f20.0", "f20.1", "f20.2", "f30"])
            }
        }
    }

    @Test(
        "a resource's schedule is in (at, insertion) order and excludes keys that merely share a prefix",
        arguments: StoreKind.allCases)
    func byResource(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try Self.schedule(tx, Self.changes) }
            try store.read { (tx) throws(StoreError) in
                // f10, f20.0, f20.1, f30: the changes come back whole, with their key and instant.
                let own = [Self.changes[6], Self.changes[2], Self.changes[5], Self.changes[1]]
                #expect(try tx.scheduledChanges(resourceKey: Self.first) == own)
                #expect(names(try tx.scheduledChanges(resourceKey: Self.second).map(\.body)) == ["s20.0", "s20.1"])
                #expect(names(try tx.scheduledChanges(resourceKey: Self.neighbour).map(\.body)) == ["n10"])
                #expect(try tx.scheduledChanges(resourceKey: Fixture.restorePointKey("rp")) == [])
            }
        }
    }

    @Test("a change round-trips with its body; an empty insert does nothing", arguments: StoreKind.allCases)
    func roundTrip(kind: StoreKind) throws {
        try withStore(kind) { store in
            let change = ScheduledChange(resourceKey: Self.first, at: Timestamp(ticks: -42), body: Fixture.unicodeBody)
            try store.write { tx in
                try Self.schedule(tx, [change])
                try Self.schedule(tx, [])
            }
            #expect(try store.read { tx in try tx.scheduledChanges(resourceKey: Self.first) } == [change])
            let window = try store.read { tx in try tx.windowChanges(after: -43, through: -42) }
            #expect(window.map { $0.body } == [change.body])
        }
    }

    @Test(
        "equal changes at one instant, in one insert or two, are all kept, in order", arguments: StoreKind.allCases)
    func sameInstant(kind: StoreKind) throws {
        try withStore(kind) { store in
            let change = Fixture.change(Self.first, at: 10, to: "same")
            try store.write { tx in try Self.schedule(tx, [change, change]) }
            try store.write { tx in try Self.schedule(tx, [change, Fixture.change(Self.first, at: 10, to: "last")]) }
            let window = try store.read { tx in try tx.windowChanges(after: 0, through: 99) }
            #expect(names(window.map { $0.body }) == ["same", "same", "same", "last"])
            #expect(window.map { $0.position } == (0..<4).map { position(10, $0) })
            #expect(try store.read { tx in try tx.scheduledChanges(resourceKey: Self.first) }.count == 4)
        }
    }

    @Test(
        "deleteRestorePointIndex removes one restore point's schedule with its row; later inserts still append",
        arguments: StoreKind.allCases)
    func deleteOne(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try Self.schedule(tx, Self.changes) }
            #expect(try store.write { tx in try tx.deleteRestorePointIndex(key: Self.first) })
            #expect(try !store.write { tx in try tx.deleteRestorePointIndex(key: Self.first) })
            #expect(try store.read { tx in try tx.scheduledChanges(resourceKey: Self.first) } == [])
            let left = try store.read { tx in try tx.windowChanges(after: 0, through: 100) }
            #expect(names(left.map { $0.body }) == ["n10", "s20.0", "s20.1"])
            // The instant's last change went with `first`: the next one still comes after those left.
            try store.write { tx in try Self.schedule(tx, [Fixture.change(Self.first, at: 20, to: "f20.2")]) }
            let again = try store.read { tx in try tx.windowChanges(after: 10, through: 20) }
            #expect(names(again.map { $0.body }) == ["s20.0", "s20.1", "f20.2"])
            #expect(
                names(try store.read { tx in try tx.scheduledChanges(resourceKey: Self.first) }.map(\.body)) == [
                    "f20.2"
                ])
        }
    }

    @Test(
        "a change is stored only under its restore point's index row, and an id used again finds none of the old",
        arguments: StoreKind.allCases)
    func storedUnderItsRow(kind: StoreKind) throws {
        try withStore(kind) { store in
            let error = #expect(throws: StoreError.self) {
                try store.write { tx in try tx.insert([Fixture.change(Self.first, at: 10)]) }
            }
            guard case .sqlite(let sqlite) = error, sqlite.isConstraintViolation else {
                Issue.record("expected a constraint violation, got \(String(describing: error))")
                return
            }
            #expect(try store.read { tx in try tx.windowChanges(after: 0, through: 100) }.isEmpty)
            // The last row's id is handed out again after its delete (no AUTOINCREMENT): its changes went with it.
            try store.write { tx in try Self.schedule(tx, [Fixture.change(Self.second, at: 10, to: "old")]) }
            try store.write { tx in _ = try tx.deleteRestorePointIndex(key: Self.second) }
            try store.write { tx in try Self.schedule(tx, [Fixture.change(Self.first, at: 20, to: "new")]) }
            #expect(
                names(try store.read { tx in try tx.scheduledChanges(resourceKey: Self.first) }.map(\.body)) == ["new"])
            #expect(names(try store.read { tx in try tx.windowChanges(after: 0, through: 100) }.map(\.body)) == ["new"])
        }
    }
}
