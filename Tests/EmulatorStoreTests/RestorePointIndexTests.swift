import EmuCore
import Testing

@testable import EmulatorStore

/// The counts behind the creation rules (CONTRACT.md §7, rules 8–10): a restore point is `Creating` while now
/// is before its `creationEnd`, so `creationEnd == now` no longer counts.
@Suite("Restore point index")
struct RestorePointIndexTests {
    @Test(
        "a row round-trips; upsert replaces every column; delete says whether it was there",
        arguments: StoreKind.allCases)
    func roundTrip(kind: StoreKind) throws {
        try withStore(kind) { store in
            var record = Fixture.indexRecord("rp1", instantAccess: true, creationEnd: 150)
            try store.write { tx in try tx.upsert(record) }
            #expect(try store.read { tx in try tx.restorePointIndex(key: record.key) } == record)
            record.vmKey = Fixture.vmKey("vm2")
            record.subscription = "other"
            record.location = "westeurope"
            record.instantAccess = false
            record.creationEnd = Timestamp(ticks: -5)
            try store.write { tx in try tx.upsert(record) }
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.restorePointIndex(key: record.key) == record)
                #expect(try tx.countRestorePoints(vmKey: Fixture.vmKey("vm1")) == 0)
                #expect(try tx.countRestorePoints(vmKey: Fixture.vmKey("vm2")) == 1)
            }
            #expect(try store.write { tx in try tx.deleteRestorePointIndex(key: record.key) })
            #expect(try !store.write { tx in try tx.deleteRestorePointIndex(key: record.key) })
            #expect(try store.read { tx in try tx.restorePointIndex(key: record.key) } == nil)
        }
    }

    @Test("creating per VM: creationEnd after now counts, at or before now does not", arguments: StoreKind.allCases)
    func creatingPerVM(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in
                try tx.upsert(Fixture.indexRecord("done", creationEnd: 99))
                try tx.upsert(Fixture.indexRecord("edge", creationEnd: 100))
                try tx.upsert(Fixture.indexRecord("next", creationEnd: 101))
                try tx.upsert(Fixture.indexRecord("late", collection: "rpc2", instantAccess: true, creationEnd: 200))
                try tx.upsert(Fixture.indexRecord("other-vm", vm: "vm2", creationEnd: 500))
            }
            let vm = Fixture.vmKey()
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.countCreatingRestorePoints(vmKey: vm, now: Timestamp(ticks: 98)) == 4)
                #expect(try tx.countCreatingRestorePoints(vmKey: vm, now: Timestamp(ticks: 99)) == 3)
                #expect(try tx.countCreatingRestorePoints(vmKey: vm, now: Timestamp(ticks: 100)) == 2)
                #expect(try tx.countCreatingRestorePoints(vmKey: vm, now: Timestamp(ticks: 199)) == 1)
                #expect(try tx.countCreatingRestorePoints(vmKey: vm, now: Timestamp(ticks: 200)) == 0)
                #expect(try tx.countCreatingRestorePoints(vmKey: Fixture.vmKey("vm2"), now: Timestamp(ticks: 200)) == 1)
                #expect(try tx.countCreatingRestorePoints(vmKey: Fixture.vmKey("vm3"), now: Timestamp(ticks: 0)) == 0)
            }
        }
    }

    @Test(
        "creating with instant access: per subscription and location, IA only, same boundary",
        arguments: StoreKind.allCases)
    func creatingInstantAccess(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in
                try tx.upsert(Fixture.indexRecord("a", instantAccess: true, creationEnd: 100))
                try tx.upsert(Fixture.indexRecord("b", vm: "vm2", instantAccess: true, creationEnd: 101))
                try tx.upsert(Fixture.indexRecord("c", group: "rg2", vm: "vm3", instantAccess: true, creationEnd: 150))
                try tx.upsert(Fixture.indexRecord("no-ia", instantAccess: false, creationEnd: 150))
                try tx.upsert(Fixture.indexRecord("west", location: "westus", instantAccess: true, creationEnd: 150))
                try tx.upsert(Fixture.indexRecord("sub", subscription: "other", instantAccess: true, creationEnd: 150))
            }
            func count(_ tx: ReadTransaction, at now: Int64, location: String = "eastus") throws(StoreError) -> Int {
                try tx.countCreatingInstantAccess(
                    subscription: Fixture.subscription, location: location, now: Timestamp(ticks: now))
            }
            try store.read { (tx) throws(StoreError) in
                #expect(try count(tx, at: 99) == 3)
                #expect(try count(tx, at: 100) == 2)
                #expect(try count(tx, at: 101) == 1)
                #expect(try count(tx, at: 150) == 0)
                #expect(try count(tx, at: 0, location: "westus") == 1)
                #expect(try count(tx, at: 0, location: "northeurope") == 0)
                #expect(
                    try tx.countCreatingInstantAccess(subscription: "other", location: "eastus", now: .init(ticks: 0))
                        == 1)
            }
            // Turning instant access off takes a row out of the count.
            try store.write { tx in try tx.upsert(Fixture.indexRecord("c", group: "rg2", vm: "vm3", creationEnd: 150)) }
            #expect(try store.read { tx in try count(tx, at: 101) } == 0)
        }
    }

    @Test("restore points per VM count every one, across collections, whatever the time", arguments: StoreKind.allCases)
    func perVM(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in
                for i in 0..<7 {
                    try tx.upsert(Fixture.indexRecord("rp\(i)", collection: "rpc\(i % 3)", creationEnd: Int64(i)))
                }
                try tx.upsert(Fixture.indexRecord("x", vm: "vm10"))
            }
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.countRestorePoints(vmKey: Fixture.vmKey()) == 7)
                #expect(try tx.countRestorePoints(vmKey: Fixture.vmKey("vm10")) == 1)
                #expect(try tx.countRestorePoints(vmKey: Fixture.vmKey("vm")) == 0)
            }
            #expect(
                try store.write { tx in
                    try tx.deleteRestorePointIndex(key: Fixture.restorePointKey("rp3", collection: "rpc0"))
                })
            #expect(try store.read { tx in try tx.countRestorePoints(vmKey: Fixture.vmKey()) } == 6)
        }
    }

    @Test("instantAccess is stored as 0 or 1 and nothing else")
    func instantAccessCheck() throws {
        let connection = try SQLiteConnection(path: ":memory:", flags: .writer)
        defer { connection.close() }
        try Schema.migrate(connection)
        let error = #expect(throws: SQLiteError.self) {
            try connection.execute(
                """
                INSERT INTO restore_points (key, vm_key, subscription, location, instant_access, creation_end)
                VALUES ('k', 'vm', 's', 'l', 2, 0)
                """)
        }
        #expect(error?.isConstraintViolation == true)
    }
}
