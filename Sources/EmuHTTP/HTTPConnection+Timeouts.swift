/// Header-read, idle, stall, linger and hold-back deadlines, on the loop's timer heap.
///
/// The heap is not pushed on every request: state changes only move a deadline, and an entry is pushed only when
/// the new deadline is earlier than the one the loop will call back for. When that comes early, it pushes the real
/// deadline.
extension HTTPConnection {
    /// What happens when the deadline passes.
    enum TimeoutAction {
        /// A request's header section is late: 408 and close (RFC 9110 §15.5.9).
        case requestTimeout
        /// Nothing is under way, or the peer stalled: close without a response.
        case close
        /// A held-back response may go out (`HTTPResponse.holdBack`).
        case release
    }

    /// The current deadline (`MonotonicClock` nanoseconds) and what to do when it passes.
    func currentDeadline() -> (UInt64, TimeoutAction) {
        switch lifecycle {
        case .lingering:
            return (lingerDeadline, .close)
        case .closed:
            return (.max, .close)
        case .open, .closingAfterFlush:
            break
        }
        if let heldUntil { return (heldUntil, .release) }
        if awaited != nil { return (.max, .close) }  // the answer is owed whatever the peer does meanwhile
        let idle = configuration.idleTimeout
        if writeBlocked { return (MonotonicClock.deadline(after: lastActivity, idle), .close) }  // not reading
        switch parser.phase {
        case .idle:
            // A fresh connection gets the header timeout for its first byte: idle sockets are cheap to open.
            if requestsServed == 0 {
                return (MonotonicClock.deadline(after: acceptedAt, configuration.headerReadTimeout), .close)
            }
            return (MonotonicClock.deadline(after: lastActivity, idle), .close)
        case .head:
            return (
                MonotonicClock.deadline(after: headStartedAt ?? lastActivity, configuration.headerReadTimeout),
                .requestTimeout
            )
        case .body:
            return (MonotonicClock.deadline(after: lastActivity, idle), .close)
        }
    }

    /// Notes when a request's head began and asks the loop for an earlier call if the deadline now is earlier.
    func updateTimer() {
        if parser.phase == .head {
            if headStartedAt == nil { headStartedAt = lastActivity }
        } else {
            headStartedAt = nil
        }
        let (deadline, _) = currentDeadline()
        if deadline < scheduledFire { arm(deadline) }
    }

    private func arm(_ deadline: UInt64) {
        guard lifecycle != .closed else { return }
        scheduledFire = deadline
        loop.schedule(token, at: deadline)
    }

    /// The loop's timer heap: only the entry the connection still expects counts.
    func deadlinePassed(_ deadline: UInt64) {
        guard deadline == scheduledFire else { return }
        scheduledFire = .max
        timerFired()
    }

    /// Acts if the deadline passed, else waits for the later deadline.
    func timerFired() {
        guard lifecycle != .closed else { return }
        var (deadline, action) = currentDeadline()
        if loop.now >= deadline && action != .release && lifecycle == .open && !writeBlocked && !peerFinished {
            // Bytes may have arrived since this turn's epoll_wait: take them first, so a client that did send in
            // time is not judged by a stale phase.
            readReady = true
            drive()
            guard lifecycle != .closed else { return }
            (deadline, action) = currentDeadline()
        }
        guard loop.now >= deadline else {
            if deadline < scheduledFire { arm(deadline) }
            return
        }
        switch action {
        case .release:
            heldUntil = nil
            drive()
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
            drive()
        }
    }
}
