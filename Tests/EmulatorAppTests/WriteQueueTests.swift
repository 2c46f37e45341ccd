import Dispatch
import EmuCore
import EmuHTTP
import Synchronization
import Testing

@testable import EmulatorApp
@testable import EmulatorStore

@Suite("Write queue")
struct WriteQueueTests {
    /// A queue on an in-memory store whose first job holds it, so that the jobs submitted next (`submit`) all wait
    /// for the same batch until `release`. Records what the jobs did, in order: "run i", "answer i <status>".
    final class Held: Sendable {
        let store: EmulatorStore
        let queue: WriteQueue
        private let list = Mutex<[String]>([])
        private let done = DispatchGroup()
        private let holding = DispatchSemaphore(value: 0)

        /// Submits job 0 and waits until it runs (holding the queue).
        init() throws {
            store = try EmulatorStore(location: .inMemory)
            queue = WriteQueue(store: store)
            let started = DispatchSemaphore(value: 0)
            submit(0) { [holding] in
                started.signal()
                holding.wait()
            }
            try #require(started.wait(timeout: .now() + 30) == .success)
        }

        deinit { store.close() }

        /// Queues job `i`: it runs `work`, answering 200, or 409 when `work` throws; 500 when its batch fails.
        func submit(_ i: Int, _ work: @escaping @Sendable () throws -> Void) {
            done.enter()
            queue.submit(
                WriteQueue.Job(
                    run: { [self] in
                        add("run \(i)")
                        return HTTPResponse(status: (try? work()) == nil ? 409 : 200)
                    },
                    failed: { _ in HTTPResponse(status: 500) },
                    answered: { [self] response in
                        add("answer \(i) \(response.status)")
                        done.leave()
                    }, pending: HTTPPendingResponse()))
        }

        /// Lets job 0 end and waits until every job is answered; what happened after job 0's own batch.
        func release() -> [String] {
            holding.signal()
            #expect(done.wait(timeout: .now() + 30) == .success)
            return Array(list.withLock { $0 }.dropFirst(2))  // "run 0", "answer 0 200"
        }

        private func add(_ event: String) { list.withLock { $0.append(event) } }
    }

    @Test func jobsWaitingTogetherShareOneCommitAndAreAnsweredAfterIt() throws {
        let held = try Held()
        for i in 1...10 {
            held.submit(i) { [store = held.store] in try store.write { tx in try tx.setMeta("k\(i)", "\(i)") } }
        }
        let events = held.release()
        #expect(Array(events.prefix(10)) == (1...10).map { "run \($0)" })
        #expect(Array(events.suffix(10)) == (1...10).map { "answer \($0) 200" })
        for i in 1...10 { #expect(try held.store.read { tx in try tx.meta("k\(i)") } == "\(i)") }
    }

    @Test func aBatchTakesAtMostMaxBatchJobsAndTheRestFollowInOrder() throws {
        let held = try Held()
        let count = WriteQueue.maxBatch + 6
        for i in 1...count { held.submit(i) {} }
        let first = 1...WriteQueue.maxBatch
        let rest = (WriteQueue.maxBatch + 1)...count
        let expected =
            first.map { "run \($0)" } + first.map { "answer \($0) 200" } + rest.map { "run \($0)" }
            + rest.map { "answer \($0) 200" }
        #expect(held.release() == expected)
    }

    @Test func aBatchThatDoesNotCommitAnswersEveryJobWithTheFailure() throws {
        let held = try Held()
        let store = held.store
        held.submit(1) { try store.write { tx in try tx.setMeta("a", "1") } }
        // What SQLite does on its own after some errors: the batch's transaction is gone.
        held.submit(2) { try store.write { tx in try tx.connection.execute("ROLLBACK") } }
        held.submit(3) { try store.write { tx in try tx.setMeta("b", "2") } }
        #expect(held.release() == ["run 1", "run 2", "run 3", "answer 1 500", "answer 2 500", "answer 3 500"])
        #expect(try store.read { tx in try tx.meta("a") } == nil)
        #expect(try store.read { tx in try tx.meta("b") } == nil)
    }
}
