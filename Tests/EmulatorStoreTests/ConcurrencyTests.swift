import EmuCore
import Foundation
import Synchronization
import Testing

@testable import EmulatorStore

@Suite("Concurrency")
struct ConcurrencyTests {
    static let writers = 200
    static let transactionsPerWriter = 5
    static let rowsPerTransaction = 2
    static let readers = 8

    /// 200 writer threads and 8 reader threads at once: no commit is lost, and no reader ever sees the
    /// count of committed rows go down (each read is one snapshot).
    @Test("concurrent writers lose nothing; readers see whole commits", arguments: StoreKind.allCases)
    func writersAndReaders(kind: StoreKind) throws {
        try withStore(kind) { store in
            let failures = Mutex<[String]>([])
            let writersDone = Atomic<Int>(0)
            let group = DispatchGroup()
            let type = "microsoft.compute/restorepointcollections"
            let expected = Self.writers * Self.transactionsPerWriter * Self.rowsPerTransaction

            for reader in 0..<Self.readers {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    var last = 0
                    while writersDone.load(ordering: .acquiring) < Self.writers {
                        do {
                            let count = try store.read { tx in
                                try tx.countResources(type: type, subscription: Fixture.subscription, location: nil)
                            }
                            if count < last || count % Self.rowsPerTransaction != 0 {
                                failures.withLock { $0.append("reader \(reader) saw \(count) after \(last)") }
                            }
                            last = count
                        } catch {
                            failures.withLock { $0.append("reader \(reader): \(error)") }
                            return
                        }
                    }
                }
            }
            for writer in 0..<Self.writers {
                group.enter()
                Thread.detachNewThread {
                    defer {
                        writersDone.add(1, ordering: .releasing)
                        group.leave()
                    }
                    do {
                        for transaction in 0..<Self.transactionsPerWriter {
                            try store.write { tx in
                                for row in 0..<Self.rowsPerTransaction {
                                    try tx.upsert(Fixture.resource(name: "w\(writer)-t\(transaction)-r\(row)"))
                                }
                            }
                        }
                    } catch {
                        failures.withLock { $0.append("writer \(writer): \(error)") }
                    }
                }
            }
            group.wait()

            #expect(failures.withLock { $0 } == [])
            let rows = try store.read { tx in try tx.resources(type: type, parentKey: Fixture.groupKey()) }
            #expect(rows.count == expected)
            #expect(Set(rows.map(\.key)).count == expected)
        }
    }

    @Test("concurrentPerform writers and readers on the same store", arguments: StoreKind.allCases)
    func concurrentPerform(kind: StoreKind) throws {
        try withStore(kind) { store in
            let errors = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: 400) { n in
                do {
                    if n % 2 == 0 {
                        try store.write { tx in try tx.setMeta("k\(n)", "v\(n)") }
                    } else {
                        _ = try store.read { tx in try tx.meta("k\(n - 1)") }
                    }
                } catch {
                    errors.add(1, ordering: .relaxed)
                }
            }
            #expect(errors.load(ordering: .relaxed) == 0)
            try store.read { (tx) throws(StoreError) in
                for n in stride(from: 0, to: 400, by: 2) { #expect(try tx.meta("k\(n)") == "v\(n)") }
            }
        }
    }
}
