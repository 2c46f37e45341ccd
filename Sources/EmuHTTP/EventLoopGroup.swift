import Synchronization

/// The event loops of one `HTTPServer`; new connections go to them in turn.
final class EventLoopGroup: Sendable {
    let loops: [EventLoop]
    private let next = Atomic<UInt>(0)

    /// Starts `count` loops (at least one); all or none.
    init(count: Int) throws(SocketError) {
        var loops: [EventLoop] = []
        do {
            for i in 0..<max(count, 1) {
                let loop = try EventLoop(name: "rpemu-loop-\(i)")
                try loop.start()
                loops.append(loop)
            }
        } catch {
            for loop in loops { loop.shutdown() }
            throw error
        }
        self.loops = loops
    }

    /// The loop for the next connection (round-robin).
    func nextLoop() -> EventLoop {
        loops[Int(next.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(loops.count))]
    }

    /// Stops every loop and waits for their threads.
    func shutdown() {
        for loop in loops { loop.shutdown() }
    }
}
