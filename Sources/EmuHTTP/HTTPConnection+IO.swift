/// Readiness events, socket reads and writes, and closing.
extension HTTPConnection {
    /// Edge-triggered readiness (epoll(7)): note what the socket can do now, then do it.
    func handle(events: UInt32) {
        if events & (Epoll.Mask.peerHangup | Epoll.Mask.hangup | Epoll.Mask.error) != 0 {
            hangupSeen = true
            readReady = true
        }
        if events & Epoll.Mask.input != 0 { readReady = true }
        if events & (Epoll.Mask.output | Epoll.Mask.hangup | Epoll.Mask.error) != 0 { writeBlocked = false }
        drive()
    }

    func loopStopping() { closeNow() }

    /// Whether to read now: only while open, and not while output waits (back-pressure) or a response is held or
    /// awaited.
    var canRead: Bool {
        readReady && lifecycle == .open && !writeBlocked && heldUntil == nil && awaited == nil && !peerFinished
    }

    /// Reads, answers and writes as far as readiness allows, then decides what comes next; runs after every event
    /// and deadline.
    func drive() {
        while lifecycle == .open || lifecycle == .closingAfterFlush {
            if canRead && !readAvailable() { return }  // closed
            var more = true
            while more {
                more = heldUntil == nil && (lifecycle == .open || streaming != nil) ? processInput() : false
                // Held, or the socket is full: a deadline or the next output edge calls back. Or closed. Or
                // awaited (what came before it is written): the answer calls back.
                guard heldUntil == nil, flush(), awaited == nil else {
                    updateTimer()
                    return
                }
            }
            guard lifecycle == .open && canRead else { break }  // a read burst stopped at its cap: more waits
        }
        switch lifecycle {
        case .closingAfterFlush:
            if peerFinished { closeNow() } else { beginLinger() }
        case .open:
            if peerFinished || (draining && parser.phase == .idle) {
                closeNow()  // nothing more will arrive; a partial request is dropped unanswered
            } else {
                updateTimer()
            }
        case .lingering:
            if readReady { discardInput() }
        case .closed:
            break
        }
    }

    /// Reads up to `readBurst` into the parser through the transport; false when the connection closed.
    private func readAvailable() -> Bool {
        var total = 0
        while total < Self.readBurst {
            switch socket.read(into: loop.readBuffer) {
            case .bytes(let n):
                total += n
                lastActivity = loop.now
                loop.wire.removeAll(keepingCapacity: true)
                loop.wire.append(contentsOf: UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<n]))
                do {
                    try transport.receive(loop.wire, plaintext: &parser.buffer, toSocket: &out)
                } catch {
                    logger.debug("\(parser.remoteAddress): transport receive failed: \(error)")
                    closeNow()
                    return false
                }
                // A short read emptied the socket: what arrives later is a new edge. Not after a hang-up, whose
                // edge has come already: then read on to end-of-file.
                if n < EventLoop.readSize && !hangupSeen {
                    readReady = false
                    return true
                }
            case .wouldBlock:
                readReady = false
                return true
            case .endOfFile:
                peerFinished = true
                readReady = false
                return true
            case .failed(let error):
                logger.debug("\(parser.remoteAddress): \(error)")
                closeNow()
                return false
            }
        }
        return true
    }

    /// While lingering: drop whatever arrives; close at end-of-file or error.
    private func discardInput() {
        while true {
            switch socket.read(into: loop.readBuffer) {
            case .bytes(let n) where n == EventLoop.readSize || hangupSeen: continue
            case .bytes, .wouldBlock:
                readReady = false
                return
            case .endOfFile, .failed:
                closeNow()
                return
            }
        }
    }

    /// Writes queued output; true when all of it went out, false when the socket is full (`writeBlocked`: the
    /// next output edge continues) or the connection closed.
    func flush() -> Bool {
        guard !writeBlocked else { return false }
        while outOffset < out.count {
            let result = out.withUnsafeBytes { socket.send(UnsafeRawBufferPointer(rebasing: $0[outOffset...])) }
            switch result {
            case .bytes(let n):
                outOffset += n
                lastActivity = loop.now
            case .wouldBlock:
                writeBlocked = true
                return false
            case .endOfFile, .failed:
                closeNow()
                return false
            }
        }
        if out.capacity > 256 * 1024 { out = [] } else { out.removeAll(keepingCapacity: true) }
        outOffset = 0
        return lifecycle != .closed
    }

    /// Half-closes and discards input until the peer closes or `lingerTime` passes, so that a client still sending
    /// (an oversized body) reads the final response instead of a reset (RFC 9112 §9.6).
    func beginLinger() {
        socket.shutdownWrite()
        lifecycle = .lingering
        lingerDeadline = MonotonicClock.deadline(after: loop.now, draining ? .milliseconds(250) : Self.lingerTime)
        updateTimer()
        if readReady { discardInput() }
    }

    /// Closes the descriptor (which leaves the epoll set) and tells the loop and the server.
    func closeNow() {
        guard lifecycle != .closed else { return }
        lifecycle = .closed
        loop.deregister(token)
        socket.close()
        streaming = nil
        out = []
        plainOut = []
        parser = HTTPParser()
        onClose()
    }
}
