import COpenSSL

/// One server-side TLS session (RFC 8446, RFC 5246) as a byte transform: the socket's bytes go into a memory BIO,
/// OpenSSL's records come out of another, so the connection code never sees a socket inside OpenSSL.
///
/// Not thread-safe: confined to its connection's event loop, like every ``ConnectionTransport``. Each call
/// clears the thread's OpenSSL error queue first, because the other connections of its loop share the thread.
/// After a failure every later call throws the same error and ``shutdown(toSocket:)`` sends nothing (OpenSSL
/// forbids `SSL_shutdown` after a fatal error).
public final class TLSTransport: ConnectionTransport {
    /// RFC 8446 §5.1: a record carries at most 2^14 plaintext bytes, so reads go in chunks of this size.
    static let readChunk = 16_384

    /// The `SSL*`, owned; it owns both BIOs.
    private let ssl: OpaquePointer
    /// Ciphertext from the socket, consumed by OpenSSL (the SSL's read BIO).
    private let networkIn: OpaquePointer
    /// Ciphertext OpenSSL produced for the socket (the SSL's write BIO).
    private let networkOut: OpaquePointer
    /// Set when the peer's close_notify arrived after plaintext in the same call: the next call throws `.closed`.
    private var peerClosed = false
    /// The first fatal error; OpenSSL's state is unusable after it (SSL_get_error(3)).
    private var failure: TransportError?

    /// A session in server (accept) state on `context`, which `SSL_new` retains.
    init(context: OpaquePointer) throws(TransportError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context) else {
            throw .handshakeFailed("cannot create a TLS session: \(OpenSSLErrorQueue.drain())")
        }
        guard let networkIn = BIO_new(BIO_s_mem()), let networkOut = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw .handshakeFailed("cannot create memory BIOs: \(OpenSSLErrorQueue.drain())")
        }
        // SSL_set_bio(3): the SSL takes one reference to each BIO and frees them in SSL_free.
        SSL_set_bio(ssl, networkIn, networkOut)
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.networkIn = networkIn
        self.networkOut = networkOut
    }

    deinit { SSL_free(ssl) }

    /// True once the handshake has finished and application data can flow.
    public var isHandshakeComplete: Bool { SSL_is_init_finished(ssl) == 1 }

    /// The negotiated protocol ("TLSv1.2", "TLSv1.3"), nil before the handshake completes.
    public var protocolVersion: String? {
        isHandshakeComplete ? String(cString: SSL_get_version(ssl)) : nil
    }

    /// Feeds socket bytes to OpenSSL: advances the handshake, then decrypts every complete record.
    ///
    /// Handshake records and alerts OpenSSL produces are appended to `toSocket` even when the call throws, so
    /// the caller can send a final alert before closing. A close_notify throws `.closed`, unless plaintext came
    /// before it in the same call: then that plaintext is returned and the next call throws `.closed`.
    public func receive(_ wire: [UInt8], plaintext: inout [UInt8], toSocket: inout [UInt8]) throws(TransportError) {
        OpenSSLErrorQueue.clear()
        defer { MemoryBIO.drain(networkOut, into: &toSocket) }
        if let failure { throw failure }
        if peerClosed { throw .closed }
        guard MemoryBIO.write(wire, to: networkIn) else { throw fail(.protocolError("out of memory")) }
        if !isHandshakeComplete {
            let result = SSL_do_handshake(ssl)
            if result != 1 {
                let code = SSL_get_error(ssl, result)
                // More of the peer's flight is needed (a record can span socket reads).
                if code == SSL_ERROR_WANT_READ { return }
                throw fail(.handshakeFailed(describe(code)))
            }
        }
        // A TLS 1.3 client sends its Finished and its first request together, so read on at once.
        let before = plaintext.count
        while true {
            let start = plaintext.count
            plaintext.append(contentsOf: repeatElement(0, count: Self.readChunk))
            let result = plaintext.withUnsafeMutableBufferPointer {
                SSL_read(ssl, $0.baseAddress! + start, Int32(Self.readChunk))
            }
            plaintext.removeLast(Self.readChunk - Int(max(result, 0)))
            if result > 0 { continue }
            let code = SSL_get_error(ssl, result)
            switch code {
            case SSL_ERROR_WANT_READ:
                return
            case SSL_ERROR_ZERO_RETURN:
                // RFC 8446 §6.1: close_notify; nothing after it is read.
                peerClosed = true
                if plaintext.count == before { throw .closed }
                return
            default:
                throw fail(.protocolError(describe(code)))
            }
        }
    }

    /// Encrypts `plaintext` into records appended to `toSocket`; only after the handshake completes.
    public func send(_ plaintext: [UInt8], toSocket: inout [UInt8]) throws(TransportError) {
        OpenSSLErrorQueue.clear()
        defer { MemoryBIO.drain(networkOut, into: &toSocket) }
        if let failure { throw failure }
        guard isHandshakeComplete else {
            throw .protocolError("cannot send application data before the TLS handshake completes")
        }
        if plaintext.isEmpty { return }
        var written = 0
        // Without SSL_MODE_ENABLE_PARTIAL_WRITE, and writing into a growing memory BIO, this writes all or fails.
        let result = plaintext.withUnsafeBytes { SSL_write_ex(ssl, $0.baseAddress, $0.count, &written) }
        guard result == 1 else { throw fail(.protocolError(describe(SSL_get_error(ssl, result)))) }
    }

    /// Appends a close_notify alert (RFC 8446 §6.1) once; nothing before the handshake or after a failure.
    public func shutdown(toSocket: inout [UInt8]) {
        OpenSSLErrorQueue.clear()
        defer {
            MemoryBIO.drain(networkOut, into: &toSocket)
            OpenSSLErrorQueue.clear()
        }
        guard failure == nil, isHandshakeComplete, SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN == 0 else { return }
        // Returns 0 (sent, peer's not yet seen) or 1 (both): either way the alert is in the write BIO.
        _ = SSL_shutdown(ssl)
    }

    /// Records `error` as the session's fatal error and returns it.
    private func fail(_ error: TransportError) -> TransportError {
        failure = error
        return error
    }

    /// OpenSSL's error-queue text for a failed call, or the `SSL_get_error` code when the queue is empty.
    private func describe(_ code: Int32) -> String {
        let queue = OpenSSLErrorQueue.drain()
        if !queue.isEmpty { return queue }
        switch code {
        case SSL_ERROR_SYSCALL: return "unexpected end of TLS data"
        case SSL_ERROR_SSL: return "TLS protocol error"
        default: return "TLS error (SSL_get_error \(code))"
        }
    }
}
