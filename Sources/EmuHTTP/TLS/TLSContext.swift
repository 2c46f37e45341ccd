import COpenSSL

/// The server side of TLS for every connection of one listener: one `SSL_CTX` holding the certificate chain, the
/// key and the protocol settings, from which each accepted connection gets a ``TLSTransport``.
///
/// TLS 1.2 and 1.3 only (RFC 8996 deprecates 1.0 and 1.1); ECDHE with AEAD ciphers for 1.2 (RFC 9325 §4.2),
/// OpenSSL's default suites for 1.3; no renegotiation; session tickets on; ALPN answers `http/1.1` when offered.
// @unchecked Sendable: `context` is configured in `init` and never changed afterwards; OpenSSL documents an
// unchanging SSL_CTX as safe to share between threads for SSL_new(3), and its reference counts are atomic.
public final class TLSContext: TransportFactory, @unchecked Sendable {
    /// Mozilla "intermediate" TLS 1.2 list (ssl-config.mozilla.org, v5.7): forward-secret AEAD suites only.
    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    /// The `SSL_CTX*`, owned; read-only after `init`.
    private let context: OpaquePointer

    /// Requests over TLS are secure and their URLs use `https`.
    public var isSecure: Bool { true }

    /// Loads a PEM chain (server certificate first, then intermediates/CA) and its PEM private key.
    public init(certificateChainFile: String, privateKeyFile: String) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError.openSSL("cannot create a TLS context")
        }
        do {
            try Self.configure(context, certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.context = context
    }

    /// Sets the protocol settings and loads the certificate and key into a new `context`.
    private static func configure(
        _ context: OpaquePointer, certificateChainFile: String, privateKeyFile: String
    ) throws(TLSError) {
        guard copenssl_ctx_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw TLSError.openSSL("cannot set TLS 1.2 as the minimum version")
        }
        guard SSL_CTX_set_cipher_list(context, tls12Ciphers) == 1 else {
            throw TLSError.openSSL("cannot set the TLS 1.2 cipher list")
        }
        // RFC 5746 renegotiation is a denial-of-service lever and HTTP/1.1 here never needs it; TLS compression
        // invites CRIME (RFC 7457 §2.6).
        SSL_CTX_set_options(context, copenssl_op_no_renegotiation() | copenssl_op_no_compression())
        SSL_CTX_set_alpn_select_cb(context, selectHTTP11, nil)
        // Clear messages for the usual mistakes (missing file, not PEM, key of another certificate) first.
        _ = try TLSCertificateStore.load(certificateChain: certificateChainFile, privateKey: privateKeyFile)
        guard SSL_CTX_use_certificate_chain_file(context, certificateChainFile) == 1 else {
            throw TLSError.openSSL("cannot load certificate chain \(certificateChainFile)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError.openSSL("cannot load private key \(privateKeyFile)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TLSError.openSSL(
                "private key \(privateKeyFile) does not match the first certificate in \(certificateChainFile)")
        }
        OpenSSLErrorQueue.clear()
    }

    /// Loads the files of a ``TLSCertificatePaths`` (from ``TLSCertificateStore``).
    public convenience init(paths: TLSCertificatePaths) throws(TLSError) {
        try self.init(certificateChainFile: paths.certificateChain, privateKeyFile: paths.privateKey)
    }

    deinit { SSL_CTX_free(context) }

    /// A server-side session for one accepted connection.
    public func makeTransport() throws(TransportError) -> any ConnectionTransport {
        try TLSTransport(context: context)
    }
}

/// ALPN (RFC 7301 §3.2): picks `http/1.1` when the client offers it; otherwise no ALPN at all, so the client
/// falls back to its default rather than being refused with `no_application_protocol`.
private func selectHTTP11(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?, _ offered: UnsafePointer<UInt8>?, _ offeredLength: UInt32,
    _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let outLength, let offered else { return SSL_TLSEXT_ERR_NOACK }
    let wanted = Array("http/1.1".utf8)
    // The offer is a list of length-prefixed protocol names; `out` may point into it (SSL_CTX_set_alpn_select_cb(3)).
    var index = 0
    let count = Int(offeredLength)
    while index < count {
        let length = Int(offered[index])
        let start = index + 1
        guard start + length <= count else { break }
        if length == wanted.count, (0..<length).allSatisfy({ offered[start + $0] == wanted[$0] }) {
            out.pointee = offered + start
            outLength.pointee = UInt8(length)
            return SSL_TLSEXT_ERR_OK
        }
        index = start + length
    }
    return SSL_TLSEXT_ERR_NOACK
}
