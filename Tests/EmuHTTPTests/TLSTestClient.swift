import COpenSSL
import Testing

@testable import EmuHTTP

/// A TLS client made directly with OpenSSL over memory BIOs, to drive a ``TLSTransport`` in memory: it trusts one
/// CA file and verifies the server for an IP address (RFC 6125 §6.2.1: iPAddress entries only).
final class TLSTestClient {
    let context: OpaquePointer
    let ssl: OpaquePointer
    private let networkIn: OpaquePointer
    private let networkOut: OpaquePointer

    init(
        trusting caFile: String, verifyIP: String = "127.0.0.1", minVersion: Int32 = TLS1_2_VERSION,
        maxVersion: Int32 = TLS1_3_VERSION, alpn: [String] = [], cipherList: String? = nil
    ) throws {
        context = try #require(SSL_CTX_new(TLS_client_method()))
        #expect(copenssl_ctx_set_min_proto_version(context, minVersion) == 1)
        #expect(copenssl_ctx_set_max_proto_version(context, maxVersion) == 1)
        if let cipherList { #expect(SSL_CTX_set_cipher_list(context, cipherList) == 1) }
        #expect(SSL_CTX_load_verify_locations(context, caFile, nil) == 1)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if !alpn.isEmpty {
            let wire = alpn.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
            #expect(SSL_CTX_set_alpn_protos(context, wire, UInt32(wire.count)) == 0)
        }
        ssl = try #require(SSL_new(context))
        networkIn = try #require(BIO_new(BIO_s_mem()))
        networkOut = try #require(BIO_new(BIO_s_mem()))
        SSL_set_bio(ssl, networkIn, networkOut)
        SSL_set_connect_state(ssl)
        #expect(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), verifyIP) == 1)
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Bytes the client produced for the server since the last call.
    func takeOutput() -> [UInt8] {
        var bytes: [UInt8] = []
        MemoryBIO.drain(networkOut, into: &bytes)
        return bytes
    }

    /// Hands the client bytes from the server.
    func feed(_ bytes: [UInt8]) {
        #expect(MemoryBIO.write(bytes, to: networkIn))
    }

    /// `SSL_do_handshake` and its `SSL_get_error` code (0 when done).
    func stepHandshake() -> Int32 {
        let result = SSL_do_handshake(ssl)
        return result == 1 ? 0 : SSL_get_error(ssl, result)
    }

    /// Encrypts `text` for the server.
    func write(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(SSL_write(ssl, bytes, Int32(bytes.count)) == Int32(bytes.count))
    }

    /// Every plaintext byte readable now, and the `SSL_get_error` code that stopped the reading.
    func read() -> (bytes: [UInt8], stop: Int32) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let result = SSL_read(ssl, &buffer, Int32(buffer.count))
            if result <= 0 {
                let code = SSL_get_error(ssl, result)
                ERR_clear_error()
                return (bytes, code)
            }
            bytes += buffer[0..<Int(result)]
        }
    }

    /// The negotiated protocol name ("TLSv1.3").
    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// The ALPN protocol the server selected, nil if none.
    var selectedALPN: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// Runs the handshake against `server`, moving bytes both ways (each delivery split into `chunk`-byte reads),
    /// until the client is done. Returns the client's last `SSL_get_error` code (0 on success); a server error is
    /// thrown.
    @discardableResult
    func handshake(with server: TLSTransport, chunk: Int = .max) throws(TransportError) -> Int32 {
        for _ in 0..<20 {
            let code = stepHandshake()
            try deliver(takeOutput(), to: server, chunk: chunk)
            if code != SSL_ERROR_WANT_READ { return code }
        }
        return -1
    }

    /// Sends `bytes` to `server` in pieces of at most `chunk` bytes, feeding its answers back; returns the
    /// plaintext it decrypted.
    @discardableResult
    func deliver(_ bytes: [UInt8], to server: TLSTransport, chunk: Int = .max) throws(TransportError) -> [UInt8] {
        var plaintext: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let end = bytes.count - offset > chunk ? offset + chunk : bytes.count
            var answer: [UInt8] = []
            defer { feed(answer) }
            try server.receive(Array(bytes[offset..<end]), plaintext: &plaintext, toSocket: &answer)
            offset = end
        }
        return plaintext
    }
}
