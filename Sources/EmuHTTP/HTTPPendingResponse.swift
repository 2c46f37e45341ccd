import Synchronization

/// A response that another thread gives later (`HTTPAnswer.later`): the responder hands the work off, returns this
/// at once, and the thread doing the work calls `fulfil` when the response is ready. The event loop meanwhile serves
/// its other connections.
public final class HTTPPendingResponse: Sendable {
    private enum State {
        /// No response yet; the connection's handler once it has asked.
        case waiting((@Sendable (HTTPResponse) -> Void)?)
        /// The response came before the connection asked.
        case fulfilled(HTTPResponse)
        /// Handed over.
        case done
    }

    private let state = Mutex(State.waiting(nil))

    public init() {}

    /// Gives the response, from any thread. Only the first call counts.
    public func fulfil(_ response: HTTPResponse) {
        let handler = state.withLock { state -> (@Sendable (HTTPResponse) -> Void)? in
            guard case .waiting(let handler) = state else { return nil }
            state = handler == nil ? .fulfilled(response) : .done
            return handler
        }
        handler?(response)
    }

    /// Calls `handler` once with the response: here and now when it is already there, else on the thread that
    /// fulfils it. Called once.
    func whenFulfilled(_ handler: @escaping @Sendable (HTTPResponse) -> Void) {
        let ready = state.withLock { state -> HTTPResponse? in
            switch state {
            case .waiting:
                state = .waiting(handler)
                return nil
            case .fulfilled(let response):
                state = .done
                return response
            case .done:
                preconditionFailure("a pending response is handed over once")
            }
        }
        if let ready { handler(ready) }
    }
}
