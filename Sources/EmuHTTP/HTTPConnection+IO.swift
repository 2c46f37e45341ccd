import Dispatch

/// Socket reads and writes, source suspension, and closing.
extension HTTPConnection {
    /// The read source fired: read what is there, then answer.
    func readable() {
        dispatchPrecondition(condition: .onQueue(queue))
        switch lifecycle {
        case .closed:
            return
        case .lingering:
            discardInput()
            return
        case .open, .closingAfterFlush:
            break
        }
        var total = 0
        reading: while total < 4 * Self.readSize {
            switch socket.read(into: readBuffer) {
            case .bytes(let n):
                total += n
                lastActivity = .now()
                wire.removeAll(keepingCapacity: true)
                wire.append(contentsOf: UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]))
                do {
                    try transport.receive(wire, plaintext: &parser.buffer, toSocket: &out)
                } catch {
                    logger.debug("\(parser.remoteAddress): transport receive failed: \(error)")
                    closeNow()
                    return
                }
                if n < Self.readSize { break reading }  // a short read: the socket is empty
            case .wouldBlock:
                break reading
            case .endOfFile:
                peerFinished = true
                suspendReading()  // a read source at end-of-file stays readable forever
                break reading
            case .failed(let error):
                logger.debug("\(parser.remoteAddress): \(error)")
                closeNow()
                return
            }
        }
        pump()
    }

    /// While lingering: drop whatever arrives; close at end-of-file or error.
    private func discardInput() {
        while true {
            switch socket.read(into: readBuffer) {
            case .bytes(let n) where n == Self.readSize: continue
            case .bytes, .wouldBlock: return
            case .endOfFile, .failed: closeNow(); return
            }
        }
    }

    /// Writes queued output; true when all of it went out, false when the socket is full (the write source is
    /// armed) or the connection closed.
    func flush() -> Bool {
        while outOffset < out.count {
            let result = out.withUnsafeBytes { socket.send(UnsafeRawBufferPointer(rebasing: $0[outOffset...])) }
            switch result {
            case .bytes(let n):
                outOffset += n
                lastActivity = .now()
            case .wouldBlock:
                armWrite()
                return false
            case .endOfFile, .failed:
                closeNow()
                return false
            }
        }
        if out.capacity > 256 * 1024 { out = [] } else { out.removeAll(keepingCapacity: true) }
        outOffset = 0
        disarmWrite()
        return lifecycle != .closed
    }

    /// The socket can take more: continue where `flush` stopped.
    func writable() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard lifecycle != .closed else { return }
        pump()
    }

    private func armWrite() {
        suspendReading()  // back-pressure: no new requests while responses wait
        guard !writeArmed else { return }
        writeArmed = true
        if let writeSource {
            writeSource.resume()
            return
        }
        let source = DispatchSource.makeWriteSource(fileDescriptor: socket.fd, queue: queue)
        source.setEventHandler { self.writable() }
        source.setCancelHandler { self.sourceCancelled() }
        writeSource = source
        source.activate()
    }

    private func disarmWrite() {
        guard writeArmed, let writeSource else { return }
        writeArmed = false
        writeSource.suspend()
    }

    func suspendReading() {
        guard !readSuspended else { return }
        readSuspended = true
        readSource.suspend()
    }

    func resumeReading() {
        guard readSuspended, !peerFinished else { return }
        readSuspended = false
        readSource.resume()
    }

    /// Cancels the sources; the descriptor is closed once they are all cancelled, so it cannot be reused while
    /// a source still watches it.
    func closeNow() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard lifecycle != .closed else { return }
        lifecycle = .closed
        timer.cancel()
        pendingCancellations = 1
        if let writeSource {
            pendingCancellations += 1
            if !writeArmed { writeSource.resume() }  // a suspended source never runs its cancel handler
            writeArmed = true
            writeSource.cancel()
        }
        if readSuspended {
            readSuspended = false
            readSource.resume()
        }
        readSource.cancel()
    }

    /// A source's cancel handler: the last one closes the descriptor and tells the server.
    func sourceCancelled() {
        pendingCancellations -= 1
        guard pendingCancellations == 0 else { return }
        socket.close()
        wire = []
        out = []
        parser = HTTPParser()
        onClose(self)
    }
}
