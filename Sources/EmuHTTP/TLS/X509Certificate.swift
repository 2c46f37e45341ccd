import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One owned OpenSSL certificate (`X509*`), freed with the object.
final class X509Certificate {
    /// The `X509*`; valid for the object's lifetime.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer` (one reference, released in `deinit`).
    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { X509_free(pointer) }

    /// Every certificate in a PEM file, in file order (a chain file lists the leaf first).
    static func readAll(pemFile path: String, what: String) throws(TLSError) -> [X509Certificate] {
        let bio = try PEMFile.openForReading(path, what: what)
        defer { BIO_free(bio) }
        var certificates: [X509Certificate] = []
        while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
            certificates.append(X509Certificate(taking: certificate))
        }
        guard !certificates.isEmpty else { throw TLSError.openSSL("\(what) \(path) holds no PEM certificate") }
        // Reading stops with "no start line" at the end of the file: expected, so dropped.
        OpenSSLErrorQueue.clear()
        return certificates
    }

    /// The PEM encoding ("BEGIN CERTIFICATE").
    func pem() throws(TLSError) -> [UInt8] {
        try MemoryBIO.collect(what: "encoding a certificate") { PEM_write_bio_X509($0, pointer) == 1 }
    }

    /// True when `key` is the private half of this certificate's public key (`X509_check_private_key(3)`).
    func matches(_ key: PrivateKey) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        return X509_check_private_key(pointer, key.pointer) == 1
    }

    /// True when `issuer`'s subject and key identifier match this certificate's issuer fields and `issuer`'s key
    /// verifies its signature (RFC 5280 §6.1.3 (a)(1), (a)(4)).
    func isIssued(by issuer: X509Certificate) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        guard X509_check_issued(issuer.pointer, pointer) == X509_V_OK else { return false }
        return X509_verify(pointer, X509_get0_pubkey(issuer.pointer)) == 1
    }

    /// True when notAfter is at or before `time` (or unreadable), i.e. the certificate is no longer valid then.
    func expires(atOrBefore time: time_t) -> Bool {
        var time = time
        return X509_cmp_time(X509_get0_notAfter(pointer), &time) <= 0
    }

    /// True when notBefore is after `time`: the certificate is not valid yet (the clock moved back).
    func isNotYetValid(at time: time_t) -> Bool {
        var time = time
        return X509_cmp_time(X509_get0_notBefore(pointer), &time) >= 0
    }

    /// True when a subjectAltName entry equals `name` (RFC 6125 §6.4.1 for DNS, octets for IP; RFC 5280
    /// §4.2.1.6). Compared literally: the subject CN and wildcard expansion are not consulted.
    func covers(_ name: SubjectAlternativeName) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        switch name {
        case .ipAddress(let address):
            return X509_check_ip_asc(pointer, address, 0) == 1
        case .dnsName(let host):
            let flags = UInt32(X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_WILDCARDS)
            return X509_check_host(pointer, host, host.utf8.count, flags, nil) == 1
        }
    }
}
