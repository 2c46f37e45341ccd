import Synchronization

/// A response that another thread gives later (`HTTPAnswer.later`): the responder hands the work off, returns this
/// at once, and the thread doing the work calls `fulfil` when the response is ready. The event loop meanwhile serves
/// its other connections.
public final class HTTPPendingResponse: Sendable {
    /// Where the response goes: `deliver` runs on `loop`'s thread.
    struct Waiter: Sendable {
        let loop: EventLoop
        let deliver: @Sendable (HTTPResponse) -> Void
    }

    private enum State {
        /// No response yet; the connection's waiter once it has asked.
        case waiting(Waiter?)
        /// The response came before the connection asked.
        case fulfilled(HTTPResponse)
        /// Handed over.
        case done
    }

    private let state = Mutex(State.waiting(nil))

    public init() {}

    /// Gives the response, from any thread. Only the first call counts.
    public func fulfil(_ response: HTTPResponse) { Self.fulfil([(self, response)]) }

    /// Gives several responses at once: each event loop is woken once for all of its connections' answers, not once
    /// per answer (a write batch answers tens of requests together, and a wake-up per answer preempted the thread
    /// that gave them, docs/performance.md).
    public static func fulfil(_ answers: [(HTTPPendingResponse, HTTPResponse)]) {
        var byLoop: [ObjectIdentifier: (loop: EventLoop, items: [(Waiter, HTTPResponse)])] = [:]
        for (pending, response) in answers {
            guard let waiter = pending.take(response) else { continue }
            byLoop[ObjectIdentifier(waiter.loop), default: (waiter.loop, [])].items.append((waiter, response))
        }
        for (loop, items) in byLoop.values {
            loop.execute {
                for (waiter, response) in items { waiter.deliver(response) }
            }
        }
    }

    /// Records `response`; returns the waiter to give it to, or nil when the connection has not asked yet (it takes
    /// the response when it does) or the response was given before.
    private func take(_ response: HTTPResponse) -> Waiter? {
        state.withLock { state -> Waiter? in
            guard case .waiting(let waiter) = state else { return nil }
            state = waiter == nil ? .fulfilled(response) : .done
            return waiter
        }
    }

    /// Has `deliver` called once with the response, on `loop`'s thread, on a later turn of the loop than this call.
    /// Called once, on `loop`.
    func whenFulfilled(on loop: EventLoop, _ deliver: @escaping @Sendable (HTTPResponse) -> Void) {
        let ready = state.withLock { state -> HTTPResponse? in
            switch state {
            case .waiting:
                state = .waiting(Waiter(loop: loop, deliver: deliver))
                return nil
            case .fulfilled(let response):
                state = .done
                return response
            case .done:
                preconditionFailure("a pending response is handed over once")
            }
        }
        if let ready { loop.execute { deliver(ready) } }
    }
}
