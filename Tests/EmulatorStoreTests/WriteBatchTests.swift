import Dispatch
import EmuCore
import Synchronization
import Testing

@testable import EmulatorStore

@Suite("Write batches and nested writes")
struct WriteBatchTests {
    private struct Refused: Error, Equatable {}

    @Test("a batch commits its writes together; a throwing write undoes only its own", arguments: StoreKind.allCases)
    func savepoints(kind: StoreKind) throws {
        try withStore(kind) { store in
            let a = Fixture.resource(name: "a")
            let b = Fixture.resource(name: "b")
            let c = Fixture.resource(name: "c")
            var outcomes: [String] = []
            try store.writeBatch {
                outcomes.append((try? store.write { tx in try tx.upsert(a) }) != nil ? "a" : "-")
                do {
                    try store.write { (tx) throws in
                        try tx.upsert(b)
                        try tx.setMeta("b", "written")
                        throw Refused()
                    }
                } catch {
                    outcomes.append(error is Refused ? "refused" : "\(error)")
                }
                // A later write sees what the earlier ones kept, and not what was undone.
                let seen = try? store.write { (tx) throws(StoreError) -> [Bool] in
                    try tx.upsert(c)
                    return [try tx.resource(key: a.key) != nil, try tx.resource(key: b.key) != nil]
                }
                outcomes.append("\(seen ?? [])")
            }
            #expect(outcomes == ["a", "refused", "[true, false]"])
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.resource(key: a.key) == a)
                #expect(try tx.resource(key: b.key) == nil)
                #expect(try tx.resource(key: c.key) == c)
                #expect(try tx.meta("b") == nil)
            }
        }
    }

    /// `generation` is what caches of reads check (the application's kept renders): it must move with every write
    /// transaction, committed or not, and never while only reads run.
    @Test(
        "the generation: absent while a write is open, moved by every write, not by reads",
        arguments: StoreKind.allCases)
    func generation(kind: StoreKind) throws {
        try withStore(kind) { store in
            var g = try #require(store.generation)
            _ = try store.read { tx in try tx.resource(key: "/none") }
            #expect(store.generation == g)
            var inside: [UInt64?] = []
            try store.write { tx in
                inside.append(store.generation)
                try tx.upsert(Fixture.resource(name: "a"))
            }
            #expect(inside == [nil])
            var next = try #require(store.generation)
            #expect(next > g)
            g = next
            #expect(throws: Refused.self) {
                try store.write { (tx) throws in
                    try tx.upsert(Fixture.resource(name: "b"))
                    throw Refused()
                }
            }
            next = try #require(store.generation)
            #expect(next > g)
            g = next
            try store.writeBatch {
                inside.append(store.generation)
                try? store.write { tx in
                    inside.append(store.generation)
                    try tx.upsert(Fixture.resource(name: "c"))
                }
            }
            #expect(inside == [nil, nil, nil])
            #expect(try #require(store.generation) > g)
        }
    }

    @Test("a read inside a batch sees the batch's writes", arguments: StoreKind.allCases)
    func readsJoin(kind: StoreKind) throws {
        try withStore(kind) { store in
            let a = Fixture.resource(name: "a")
            var seen: ResourceRecord??
            try store.writeBatch {
                try? store.write { tx in try tx.upsert(a) }
                seen = try? store.read { tx in try tx.resource(key: a.key) }
            }
            #expect(seen == .some(a))
        }
    }

    @Test("other threads see a batch's writes only once it commits")
    func isolation() throws {
        try withStore(.file) { store in
            let a = Fixture.resource(name: "a")
            let seenOutside = Mutex<[Bool]>([])
            let looked = DispatchSemaphore(value: 0)
            try store.writeBatch {
                try? store.write { tx in try tx.upsert(a) }
                DispatchQueue.global().async {
                    let found = (try? store.read { tx in try tx.resource(key: a.key) }) ?? nil
                    seenOutside.withLock { $0.append(found != nil) }
                    looked.signal()
                }
                #expect(looked.wait(timeout: .now() + .seconds(15)) == .success)
            }
            #expect(seenOutside.withLock { $0 } == [false])
            #expect(try store.read { tx in try tx.resource(key: a.key) } == a)
        }
    }

    @Test("a write inside a write joins it: its throw undoes only its own changes", arguments: StoreKind.allCases)
    func nestedWrite(kind: StoreKind) throws {
        try withStore(kind) { store in
            let a = Fixture.resource(name: "a")
            let b = Fixture.resource(name: "b")
            try store.write { (tx) throws in
                try tx.upsert(a)
                #expect(throws: Refused.self) {
                    try store.write { (inner) throws in
                        try inner.upsert(b)
                        throw Refused()
                    }
                }
                #expect(try store.read { inner in try inner.resource(key: a.key) } == a)
            }
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.resource(key: a.key) == a)
                #expect(try tx.resource(key: b.key) == nil)
            }
        }
    }

    @Test(
        "when SQLite ends the batch's transaction, the batch fails and none of it is kept",
        arguments: StoreKind.allCases)
    func rolledBack(kind: StoreKind) throws {
        try withStore(kind) { store in
            let a = Fixture.resource(name: "a")
            let b = Fixture.resource(name: "b")
            var later: StoreError?
            #expect(throws: StoreError.batchRolledBack) {
                try store.writeBatch {
                    try? store.write { tx in try tx.upsert(a) }
                    // What SQLite does on its own after some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM).
                    try? store.write { tx in try tx.connection.execute("ROLLBACK") }
                    do throws(StoreError) {
                        try store.write { (tx) throws(StoreError) in try tx.upsert(b) }
                    } catch {
                        later = error
                    }
                }
            }
            #expect(later == .batchRolledBack)
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.resource(key: a.key) == nil)
                #expect(try tx.resource(key: b.key) == nil)
            }
            try store.write { tx in try tx.upsert(b) }  // the writer is usable again
            #expect(try store.read { tx in try tx.resource(key: b.key) } == b)
        }
    }
}
