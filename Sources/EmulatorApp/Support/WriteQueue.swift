import Dispatch
import EmuHTTP
import EmulatorStore
import Synchronization

/// Where the event loops hand the ARM requests that change state (`EmulatorResponder.answer`): one serial queue
/// runs them in batches, each batch one store transaction (`EmulatorStore.writeBatch`) in which every request's
/// writes are a savepoint, and answers them all once it has committed.
///
/// Why: a loop that waited for the writer lock waited with all its connections, so at most one write per loop was
/// in flight and a long write stalled that loop's reads; now the loops go on serving, and writes that arrive
/// together share one commit (1,576 → 1,804 creates/s when it landed, docs/performance.md). A request answered from
/// a batch reads and
/// writes as if the batch's earlier requests had committed before it (its reads join the batch's transaction), and
/// no answer leaves before the commit, so what clients see is the same as one request at a time.
final class WriteQueue: Sendable {
    /// One request's work.
    struct Job: Sendable {
        /// Runs the request on the queue; its writes join the batch.
        let run: @Sendable () -> HTTPResponse
        /// The answer when the batch did not commit: the request's writes did not happen.
        let failed: @Sendable (StoreError) -> HTTPResponse
        /// Told the answer on the queue, after the commit, before it is sent (the access log).
        let answered: @Sendable (HTTPResponse) -> Void
        /// Where the answer goes.
        let pending: HTTPPendingResponse
    }

    private struct State {
        var jobs: [Job] = []
        /// A drain is queued or running: the next job needs no new one.
        var draining = false
    }

    /// At most this many requests share a transaction, so the first of a long queue is not kept waiting for all.
    static let maxBatch = 64

    private let store: EmulatorStore
    private let queue = DispatchQueue(label: "rpemu.writes", qos: .userInitiated)
    private let state = Mutex(State())

    init(store: EmulatorStore) {
        self.store = store
    }

    /// Queues `job`; it runs in the next batch.
    func submit(_ job: Job) {
        let startDrain = state.withLock { state -> Bool in
            state.jobs.append(job)
            defer { state.draining = true }
            return !state.draining
        }
        if startDrain { queue.async { self.drain() } }
    }

    /// Returns once every job submitted before the call has been answered.
    func waitUntilIdle() { queue.sync {} }

    /// Runs batches until no job is left.
    private func drain() {
        while true {
            let batch = state.withLock { state -> [Job] in
                let count = min(state.jobs.count, Self.maxBatch)
                if count == 0 { state.draining = false }
                defer { state.jobs.removeFirst(count) }
                return Array(state.jobs.prefix(count))
            }
            guard !batch.isEmpty else { return }
            run(batch)
        }
    }

    private func run(_ batch: [Job]) {
        var answers: [HTTPResponse] = []
        answers.reserveCapacity(batch.count)
        do throws(StoreError) {
            try store.writeBatch {
                for job in batch { answers.append(job.run()) }
            }
        } catch {
            answers = batch.map { $0.failed(error) }
        }
        for (job, answer) in zip(batch, answers) { job.answered(answer) }
        HTTPPendingResponse.fulfil(Array(zip(batch.lazy.map(\.pending), answers)))
    }
}
