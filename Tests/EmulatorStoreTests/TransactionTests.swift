import Dispatch
import EmuCore
import RestorePointEngine
import Synchronization
import Testing

@testable import EmulatorStore

@Suite("Transactions")
struct TransactionTests {
    @Test("a throwing body rolls back everything it wrote", arguments: StoreKind.allCases)
    func rollback(kind: StoreKind) throws {
        try withStore(kind) { store in
            let kept = Fixture.resource(name: "kept")
            try store.write { tx in try tx.upsert(kept) }
            #expect(throws: StoreError.io("boom")) {
                try store.write { tx in
                    try tx.upsert(Fixture.resource(name: "lost"))
                    try tx.deleteResource(key: kept.key)
                    try tx.setMeta("k", "v")
                    // Inside the transaction the changes are visible.
                    #expect(try tx.resource(key: kept.key) == nil)
                    throw StoreError.io("boom")
                }
            }
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.resource(key: kept.key) == kept)
                #expect(try tx.descendants(ofKey: Fixture.groupKey()).count == 1)
                #expect(try tx.meta("k") == nil)
            }
            // The writer is usable again after the rollback.
            try store.write { tx in try tx.setMeta("k", "v") }
            #expect(try store.read { tx in try tx.meta("k") } == "v")
        }
    }

    private struct DomainError: Error, Equatable { let reason: String }

    @Test("any error from an untyped body rolls back and comes out unchanged", arguments: StoreKind.allCases)
    func untypedBody(kind: StoreKind) throws {
        try withStore(kind) { (store) throws in
            #expect(throws: DomainError(reason: "rule")) {
                try store.write { tx in
                    try tx.setMeta("k", "v")
                    throw DomainError(reason: "rule")
                }
            }
            #expect(try store.read { tx in try tx.meta("k") } == nil)
        }
    }

    @Test("a typed domain error rolls back; store failures map into it", arguments: StoreKind.allCases)
    func mappedErrors(kind: StoreKind) throws {
        try withStore(kind) { store in
            let map = { (error: StoreError) in DomainError(reason: "store: \(error)") }
            #expect(throws: DomainError(reason: "rule")) {
                try store.write(mapError: map) { (tx) throws(DomainError) in
                    do throws(StoreError) { try tx.setMeta("k", "v") } catch { throw map(error) }
                    throw DomainError(reason: "rule")
                }
            }
            let value = try store.read(mapError: map) { (tx) throws(DomainError) -> String? in
                do throws(StoreError) { return try tx.meta("k") } catch { throw map(error) }
            }
            #expect(value == nil)
            store.close()
            #expect(throws: DomainError(reason: "store: the store is closed")) {
                try store.write(mapError: map) { _ throws(DomainError) in }
            }
        }
    }

    @Test("StoreError.aborted rolls back like any other error", arguments: StoreKind.allCases)
    func aborted(kind: StoreKind) throws {
        try withStore(kind) { (store) throws in
            #expect(throws: StoreError.aborted) {
                try store.write { (tx) throws(StoreError) in
                    try tx.upsert(Fixture.resource())
                    throw .aborted
                }
            }
            #expect(try store.read { tx in try tx.resource(key: Fixture.resource().key) } == nil)
        }
    }

    @Test("a failing statement inside the body rolls back the earlier ones", arguments: StoreKind.allCases)
    func rollbackOnSQLiteError(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in try tx.insert(Fixture.operation(id: "dup")) }
            #expect(throws: StoreError.self) {
                try store.write { tx in
                    try tx.upsert(Fixture.resource())
                    try tx.insert(Fixture.operation(id: "dup"))
                }
            }
            #expect(try store.read { tx in try tx.resource(key: Fixture.resource().key) } == nil)
        }
    }

    @Test("a file reader on another thread sees the last commit while a write is open")
    func snapshotIsolation() throws {
        try withStore(.file) { store in
            let record = Fixture.resource()
            try store.write { tx in
                try tx.upsert(record)
                let seen = Mutex<ResourceRecord??>(nil)
                let done = DispatchSemaphore(value: 0)
                DispatchQueue.global().async {
                    let found = try? store.read { reader in try reader.resource(key: record.key) }
                    seen.withLock { $0 = .some(found ?? nil) }
                    done.signal()
                }
                #expect(done.wait(timeout: .now() + .seconds(15)) == .success)
                #expect(seen.withLock { $0 } == .some(nil))
            }
            #expect(try store.read { tx in try tx.resource(key: record.key) } == record)
        }
    }

    @Test("deleteSubscription removes its row, resources and operations only", arguments: StoreKind.allCases)
    func deleteSubscription(kind: StoreKind) throws {
        try withStore(kind) { store in
            let other = "ffffffff-0000-0000-0000-000000000000"
            try store.write { tx in
                try tx.upsert(Fixture.subscriptionRecord(id: Fixture.subscription.uppercased()))
                try tx.upsert(Fixture.subscriptionRecord(id: other))
                try tx.upsert(Fixture.resource(name: "mine"))
                try tx.upsert(Fixture.resource(name: "theirs", subscription: other))
                try tx.insert(Fixture.operation(id: "op-mine"))
                try tx.insert(Fixture.operation(id: "op-theirs", subscription: other))
            }
            #expect(try store.write { tx in try tx.deleteSubscription(id: Fixture.subscription.uppercased()) })
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.subscriptions().map(\.subscriptionId) == [other])
                #expect(try tx.descendants(ofKey: "/subscriptions/\(Fixture.subscription)") == [])
                #expect(try tx.descendants(ofKey: "/subscriptions/\(other)").count == 1)
                #expect(try tx.operation(id: "op-mine") == nil)
                #expect(try tx.operation(id: "op-theirs") != nil)
            }
            #expect(try !store.write { tx in try tx.deleteSubscription(id: Fixture.subscription) })
        }
    }

    @Test("deleteAll empties every table and keeps the schema", arguments: StoreKind.allCases)
    func deleteAll(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in
                try tx.upsert(Fixture.resource())
                try tx.insert(Fixture.operation())
                try tx.upsert(Fixture.subscriptionRecord())
                try tx.setMeta("seed", "1")
                try tx.save(clock: .starting(at: Timestamp(ticks: 5)))
            }
            try store.write { tx in try tx.deleteAll() }
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.resource(key: Fixture.resource().key) == nil)
                #expect(try tx.operation(id: Fixture.operation().id) == nil)
                #expect(try tx.subscriptions() == [])
                #expect(try tx.meta("seed") == nil)
                #expect(try tx.clock() == nil)
            }
            try store.write { tx in try tx.upsert(Fixture.resource()) }
            #expect(try store.read { tx in try tx.resource(key: Fixture.resource().key) } != nil)
        }
    }

    @Test("a closed store refuses reads and writes", arguments: StoreKind.allCases)
    func closed(kind: StoreKind) throws {
        try withStore(kind) { store in
            store.close()
            #expect(throws: StoreError.closed) { try store.read { tx in try tx.meta("x") } }
            #expect(throws: StoreError.closed) { try store.write { tx in try tx.setMeta("x", "y") } }
            store.close()
        }
    }
}
