import Dispatch
import EmuCore
import Foundation
import Testing

@testable import EmulatorStore

@Suite("WAL checkpoints off the request path")
struct CheckpointerTests {
    /// A body of about 6 KB, so that every write adds a few WAL frames.
    private static func body(_ i: Int) -> JSON {
        ["name": .string("rp\(i)"), "padding": .string(String(repeating: "x", count: 6_000))]
    }

    /// Waits (at most 10 s) until `done` holds: the checkpointer works on its own queue.
    private static func eventually(_ done: () -> Bool) {
        for _ in 0..<1_000 where !done() { usleep(10_000) }
    }

    @Test("a steady stream of writes checkpoints in the background and the WAL starts over")
    func keepsTheWALBounded() throws {
        let directory = try TemporaryDirectory()
        let store = try EmulatorStore(location: .file(directory: directory.path), checkpointFrames: (40, 160))
        defer { store.close() }
        let checkpointer = try #require(store.checkpointer)
        // Writes until the WAL has started over a few times: after a PASSIVE checkpoint that copied every frame
        // (SQLite starts the WAL over at the next write), or after the checkpointer's RESTART; which of the two
        // depends on how fast the checkpoints run beside the writes.
        var frames: [Int] = []
        var total = 0
        var i = 0
        func startsOver() -> Int { zip(frames, frames.dropFirst()).filter { $0 > $1 }.count }
        while i < 50_000 && startsOver() < 3 {
            try store.write { tx in try tx.upsert(Fixture.resource(name: "rp\(i)", body: Self.body(i))) }
            total += max(0, checkpointer.walFrames - (frames.last ?? 0))
            frames.append(checkpointer.walFrames)
            i += 1
        }
        #expect(checkpointer.counts.passive > 0)
        #expect(startsOver() >= 3)
        // Without starting over the WAL would have grown by every frame written.
        #expect((frames.max() ?? 0) < total)
    }

    @Test("a WAL a reader kept from starting over is started over by a RESTART once the reader is gone")
    func startsOverAfterAReaderLetsGo() throws {
        let directory = try TemporaryDirectory()
        let store = try EmulatorStore(location: .file(directory: directory.path), checkpointFrames: (40, 160))
        defer { store.close() }
        let checkpointer = try #require(store.checkpointer)
        var i = 0
        func write() throws {
            try store.write { tx in try tx.upsert(Fixture.resource(name: "rp\(i)", body: Self.body(i))) }
            i += 1
        }
        try write()
        // A read holding its snapshot: no checkpoint can copy past it, so the WAL cannot start over.
        let (pinned, release, finished) = (
            DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)
        )
        DispatchQueue.global().async {
            _ = try? store.read { (tx) throws(StoreError) in
                _ = try tx.meta("x")
                pinned.signal()
                release.wait()
            }
            finished.signal()
        }
        try #require(pinned.wait(timeout: .now() + 30) == .success)
        while checkpointer.walFrames < 200 && i < 10_000 { try write() }
        #expect(checkpointer.walFrames >= 200)
        #expect(checkpointer.counts.restart == 0)  // tried by each round past 160 frames, never completed
        release.signal()
        try #require(finished.wait(timeout: .now() + 30) == .success)
        // The next round finds no reader: its RESTART completes, although this thread writes without a pause (the
        // checkpointer takes the writer lock ahead of it, `WriterLock.withPriority`), and the WAL starts over.
        let before = i
        while checkpointer.walFrames >= 160 && i < before + 10_000 { try write() }
        #expect(checkpointer.walFrames < 160)
        #expect(checkpointer.counts.restart >= 1)
    }

    @Test("the commits made beside background checkpoints are all there after a reopen")
    func writesSurviveReopen() throws {
        let directory = try TemporaryDirectory()
        let records = (0..<300).map { Fixture.resource(name: "rp\($0)", body: Self.body($0)) }
        do {
            let store = try EmulatorStore(location: .file(directory: directory.path), checkpointFrames: (20, 60))
            for record in records { try store.write { tx in try tx.upsert(record) } }
            Self.eventually { (store.checkpointer?.counts.passive ?? 0) > 0 }
            #expect((store.checkpointer?.counts.passive ?? 0) > 0)
            store.close()
        }
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        try store.read { (tx) throws(StoreError) in
            for record in records { #expect(try tx.resource(key: record.key) == record) }
        }
    }

    @Test("the commit hook only queues: a write needs no checkpoint to return, and close waits for one running")
    func closeWaitsForTheQueue() throws {
        let directory = try TemporaryDirectory()
        let store = try EmulatorStore(location: .file(directory: directory.path), checkpointFrames: (1, 1))
        for i in 0..<50 {
            try store.write { tx in try tx.upsert(Fixture.resource(name: "rp\(i)", body: Self.body(i))) }
        }
        store.close()
        // The writer's close checkpointed the rest and removed the WAL.
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/" + StoreLocation.fileName + "-wal"))
        #expect(throws: StoreError.closed) { try store.write { tx in try tx.setMeta("k", "v") } }
    }
}
