import Dispatch

/// Header-read, idle, stall and linger timeouts with one timer per connection.
///
/// The timer is not rescheduled on every request: state changes only move a deadline, and the timer is moved
/// only when the new deadline is earlier than its next firing. When it fires early it re-arms for the real deadline.
extension HTTPConnection {
    /// What happens when the deadline passes.
    enum TimeoutAction {
        /// A request's header section is late: 408 and close (RFC 9110 §15.5.9).
        case requestTimeout
        /// Nothing is under way, or the peer stalled: close without a response.
        case close
    }

    /// The current deadline and what to do when it passes.
    func currentDeadline() -> (DispatchTime, TimeoutAction) {
        switch lifecycle {
        case .lingering:
            return (lingerDeadline, .close)
        case .closed:
            return (.distantFuture, .close)
        case .open, .closingAfterFlush:
            break
        }
        let idle = DispatchTimeInterval(configuration.idleTimeout)
        if writeArmed { return (lastActivity + idle, .close) }  // the client stopped reading
        switch parser.phase {
        case .idle:
            // A fresh connection gets the header timeout for its first byte: idle sockets are cheap to open.
            if requestsServed == 0 {
                return (acceptedAt + DispatchTimeInterval(configuration.headerReadTimeout), .close)
            }
            return (lastActivity + idle, .close)
        case .head:
            return (
                (headStartedAt ?? lastActivity) + DispatchTimeInterval(configuration.headerReadTimeout), .requestTimeout
            )
        case .body:
            return (lastActivity + idle, .close)
        }
    }

    /// Notes when a request's head began and moves the timer earlier if the deadline now is.
    func updateTimer() {
        if parser.phase == .head {
            if headStartedAt == nil { headStartedAt = lastActivity }
        } else {
            headStartedAt = nil
        }
        let (deadline, _) = currentDeadline()
        if deadline < scheduledFire { arm(deadline) }
    }

    private func arm(_ deadline: DispatchTime) {
        scheduledFire = deadline
        timer.schedule(deadline: deadline, repeating: .never, leeway: .milliseconds(20))
    }

    /// The timer fired: act if the deadline passed, else wait for the later deadline.
    func timerFired() {
        dispatchPrecondition(condition: .onQueue(queue))
        scheduledFire = .distantFuture
        guard lifecycle != .closed else { return }
        // On a loaded machine bytes can be waiting whose read event has not run yet: take them first, so a client
        // that did send in time is not judged by a stale phase.
        if lifecycle == .open && !readSuspended { readable() }
        guard lifecycle != .closed else { return }
        let (deadline, action) = currentDeadline()
        guard DispatchTime.now() >= deadline else {
            if deadline < scheduledFire { arm(deadline) }
            return
        }
        switch action {
        case .close:
            logger.debug("\(parser.remoteAddress): timed out (\(lifecycle), \(parser.phase)), closing")
            // Between requests, end a TLS session cleanly (best effort); not inside a streamed body.
            if lifecycle == .open && parser.phase == .idle && streaming == nil {
                transport.shutdown(toSocket: &out)
                _ = flush()
            }
            closeNow()
        case .requestTimeout:
            logger.debug("\(parser.remoteAddress): header section not complete in time")
            answerAndClose(configuration.errorResponse(.requestTimeout("The request header section took too long.")))
            encodeOutput()
            transport.shutdown(toSocket: &out)
            pump()
        }
    }
}
