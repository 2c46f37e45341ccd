import Dispatch
import Synchronization

/// Gives the store's caches back once a burst of requests is over (docs/performance.md, idle RSS): a check every
/// `interval` (a second) releases when requests came since the last release and none since the check before. A laptop tool
/// sits idle most of the time; its caches only pay while requests arrive.
final class IdleMemoryRelease: Sendable {
    private struct State {
        var seen = 0
        var released = 0
    }

    private let requests = Atomic<Int>(0)
    private let state = Mutex(State())
    private let release: @Sendable () -> Void
    // DispatchSourceTimer is not Sendable: made here, then only resumed by `start` and cancelled by `stop`, which
    // Dispatch allows from any thread (DESIGN.md "Swift 6 pitfalls").
    nonisolated(unsafe) private let timer: any DispatchSourceTimer
    private let started = Atomic<Bool>(false)

    /// How often the timer checks.
    static let interval = DispatchTimeInterval.seconds(1)

    init(release: @escaping @Sendable () -> Void) {
        self.release = release
        timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + Self.interval, repeating: Self.interval)
        timer.setEventHandler { [weak self] in self?.tick() }
    }

    /// Counts a request (the responder calls it for each).
    func noteRequest() { requests.add(1, ordering: .relaxed) }

    /// One check; true when it released.
    @discardableResult
    func tick() -> Bool {
        let count = requests.load(ordering: .relaxed)
        let due = state.withLock { s -> Bool in
            defer { s.seen = count }
            guard count == s.seen, count != s.released else { return false }
            s.released = count
            return true
        }
        if due { release() }
        return due
    }

    func start() {
        guard !started.exchange(true, ordering: .relaxed) else { return }
        timer.resume()
    }

    func stop() {
        timer.cancel()
        // Dispatch traps on releasing a source still suspended; a cancelled one never fires again once resumed.
        if !started.exchange(true, ordering: .relaxed) { timer.resume() }
    }

    deinit { stop() }
}
