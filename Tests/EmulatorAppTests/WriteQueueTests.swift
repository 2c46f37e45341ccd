import Dispatch
import EmuCore
import EmuHTTP
import Synchronization
import Testing

@testable import EmulatorApp
@testable import EmulatorStore

@Suite("Write queue")
struct WriteQueueTests {
    /// What the jobs did, in order: "run i", "answer i <status>".
    final class Events: Sendable {
        let list = Mutex<[String]>([])
        func add(_ event: String) { list.withLock { $0.append(event) } }
        var all: [String] { list.withLock { $0 } }
    }

    static func job(
        _ i: Int, _ events: Events, done: DispatchGroup, _ work: @escaping @Sendable () throws -> Void
    ) -> WriteQueue.Job {
        WriteQueue.Job(
            run: {
                events.add("run \(i)")
                return HTTPResponse(status: (try? work()) == nil ? 409 : 200)
            },
            failed: { _ in HTTPResponse(status: 500) },
            answered: { response in
                events.add("answer \(i) \(response.status)")
                done.leave()
            }, pending: HTTPPendingResponse())
    }

    /// Submits job 0, which holds the queue until the returned semaphore is signalled, and waits until it runs: the
    /// jobs submitted next all wait for the same batch.
    static func hold(_ queue: WriteQueue, _ events: Events, done: DispatchGroup) throws -> DispatchSemaphore {
        let (started, release) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        done.enter()
        queue.submit(
            job(0, events, done: done) {
                started.signal()
                release.wait()
            })
        try #require(started.wait(timeout: .now() + 30) == .success)
        return release
    }

    @Test func jobsWaitingTogetherShareOneCommitAndAreAnsweredAfterIt() throws {
        let store = try EmulatorStore(location: .inMemory)
        defer { store.close() }
        let queue = WriteQueue(store: store)
        let events = Events()
        let done = DispatchGroup()
        let release = try Self.hold(queue, events, done: done)
        for i in 1...10 {
            done.enter()
            queue.submit(Self.job(i, events, done: done) { try store.write { tx in try tx.setMeta("k\(i)", "\(i)") } })
        }
        release.signal()
        #expect(done.wait(timeout: .now() + 30) == .success)
        let later = events.all.dropFirst(2)  // "run 0", "answer 0 200"
        #expect(Array(later.prefix(10)) == (1...10).map { "run \($0)" })
        #expect(Array(later.suffix(10)) == (1...10).map { "answer \($0) 200" })
        for i in 1...10 { #expect(try store.read { tx in try tx.meta("k\(i)") } == "\(i)") }
    }

    @Test func aBatchTakesAtMostMaxBatchJobsAndTheRestFollowInOrder() throws {
        let store = try EmulatorStore(location: .inMemory)
        defer { store.close() }
        let queue = WriteQueue(store: store)
        let events = Events()
        let done = DispatchGroup()
        let release = try Self.hold(queue, events, done: done)
        let count = WriteQueue.maxBatch + 6
        for i in 1...count {
            done.enter()
            queue.submit(Self.job(i, events, done: done) {})
        }
        release.signal()
        #expect(done.wait(timeout: .now() + 30) == .success)
        // After job 0's own batch: the first maxBatch jobs run, then are answered, then the rest.
        let first = 1...WriteQueue.maxBatch
        let rest = (WriteQueue.maxBatch + 1)...count
        let expected =
            first.map { "run \($0)" } + first.map { "answer \($0) 200" } + rest.map { "run \($0)" }
            + rest.map { "answer \($0) 200" }
        #expect(Array(events.all.dropFirst(2)) == expected)
    }

    @Test func aBatchThatDoesNotCommitAnswersEveryJobWithTheFailure() throws {
        let store = try EmulatorStore(location: .inMemory)
        defer { store.close() }
        let queue = WriteQueue(store: store)
        let events = Events()
        let done = DispatchGroup()
        let release = try Self.hold(queue, events, done: done)
        let work: [@Sendable () throws -> Void] = [
            { try store.write { tx in try tx.setMeta("a", "1") } },
            // What SQLite does on its own after some errors: the batch's transaction is gone.
            { try store.write { tx in try tx.connection.execute("ROLLBACK") } },
            { try store.write { tx in try tx.setMeta("b", "2") } },
        ]
        for (i, w) in work.enumerated() {
            done.enter()
            queue.submit(Self.job(i + 1, events, done: done, w))
        }
        release.signal()
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(Array(events.all.suffix(3)) == ["answer 1 500", "answer 2 500", "answer 3 500"])
        #expect(try store.read { tx in try tx.meta("a") } == nil)
        #expect(try store.read { tx in try tx.meta("b") } == nil)
    }
}
