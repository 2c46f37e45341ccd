import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes the local CA and the server (leaf) certificates it signs, with the extensions strict verifiers demand
/// (RFC 5280 profile; Python's `VERIFY_X509_STRICT`, on by default since 3.13, rejects a leaf without AKI and a
/// CA without SKI or without a critical basicConstraints).
enum CertificateIssuer {
    /// The CA lives ten years: clients keep trusting one `ca.pem` across leaf re-issues.
    static let authorityValidityDays: Int32 = 3650
    /// notBefore to notAfter stays within 397 days (CA/Browser Forum Baseline Requirements §6.3.2, the limit
    /// Apple platforms enforce): 396 days plus the backdating.
    static let leafValidityDays: Int32 = 396
    /// notBefore lies this far in the past, so a client whose clock runs a little behind still accepts it.
    static let backdateSeconds = 3600
    /// The CA's subject and issuer common name.
    static let authorityName = "rpemu local CA"
    /// The leaf's subject common name; clients match the subjectAltName entries, never this (RFC 6125 §6.4.4).
    static let leafName = "rpemu server"

    /// A self-signed CA certificate and its new P-256 key.
    static func makeAuthority(now: time_t) throws(TLSError) -> (certificate: X509Certificate, key: PrivateKey) {
        let key = try PrivateKey.generateP256()
        let certificate = try makeUnsigned(commonName: authorityName, key: key, now: now, days: authorityValidityDays)
        try setIssuer(of: certificate, to: certificate)
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, certificate.pointer, certificate.pointer, nil, nil, 0)
        // RFC 5280 §4.2.1.9: critical in CA certificates; pathlen 0 because it signs only leaves.
        try add(NID_basic_constraints, "critical,CA:TRUE,pathlen:0", to: certificate, context: &context)
        // RFC 5280 §4.2.1.3: keyCertSign for certificates, cRLSign to be a complete CA; critical.
        try add(NID_key_usage, "critical,keyCertSign,cRLSign", to: certificate, context: &context)
        // RFC 5280 §4.2.1.2: required in CA certificates; method (1), SHA-1 of the public key bits.
        try add(NID_subject_key_identifier, "hash", to: certificate, context: &context)
        try sign(certificate, with: key)
        return (certificate, key)
    }

    /// A server certificate for `names` with a new P-256 key, signed by `authority`.
    static func makeLeaf(
        names: [SubjectAlternativeName], authority: X509Certificate, authorityKey: PrivateKey, now: time_t
    ) throws(TLSError) -> (certificate: X509Certificate, key: PrivateKey) {
        let key = try PrivateKey.generateP256()
        let certificate = try makeUnsigned(commonName: leafName, key: key, now: now, days: leafValidityDays)
        try setIssuer(of: certificate, to: authority)
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, authority.pointer, certificate.pointer, nil, nil, 0)
        // RFC 5280 §4.2.1.9 allows either criticality in end-entity certificates.
        try add(NID_basic_constraints, "critical,CA:FALSE", to: certificate, context: &context)
        // RFC 5280 §4.2.1.3 with RFC 8446 §4.4.3: an ECDSA key only signs the handshake.
        try add(NID_key_usage, "critical,digitalSignature", to: certificate, context: &context)
        // RFC 5280 §4.2.1.12: id-kp-serverAuth.
        try add(NID_ext_key_usage, "serverAuth", to: certificate, context: &context)
        try add(NID_subject_key_identifier, "hash", to: certificate, context: &context)
        // RFC 5280 §4.2.1.1: keyIdentifier = the CA's subjectKeyIdentifier.
        try add(NID_authority_key_identifier, "keyid:always", to: certificate, context: &context)
        let alternativeNames = names.map(\.configValue).joined(separator: ",")
        try add(NID_subject_alt_name, alternativeNames, to: certificate, context: &context)
        try sign(certificate, with: authorityKey)
        return (certificate, key)
    }

    /// A v3 certificate with a random serial, validity from `now` minus the backdating to `now` plus `days`, the
    /// subject CN `commonName` and `key`'s public half; no issuer, extensions or signature yet.
    private static func makeUnsigned(
        commonName: String, key: PrivateKey, now: time_t, days: Int32
    ) throws(TLSError) -> X509Certificate {
        guard let pointer = X509_new() else { throw TLSError.openSSL("cannot allocate a certificate") }
        let certificate = X509Certificate(taking: pointer)
        // RFC 5280 §4.1.2.1: version 3 is encoded as 2.
        guard X509_set_version(pointer, Int(X509_VERSION_3)) == 1 else { throw TLSError.openSSL("X509_set_version") }
        try setRandomSerial(of: certificate)
        var start = now
        guard X509_time_adj_ex(X509_getm_notBefore(pointer), 0, -backdateSeconds, &start) != nil,
            X509_time_adj_ex(X509_getm_notAfter(pointer), days, 0, &start) != nil
        else { throw TLSError.openSSL("cannot set the validity period") }
        guard let name = X509_get_subject_name(pointer) else { throw TLSError.openSSL("X509_get_subject_name") }
        let utf8 = Array(commonName.utf8)
        guard X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, utf8, Int32(utf8.count), -1, 0) == 1,
            X509_set_pubkey(pointer, key.pointer) == 1
        else { throw TLSError.openSSL("cannot set the subject of \"\(commonName)\"") }
        return certificate
    }

    /// RFC 5280 §4.1.2.2: a positive serial of at most 20 octets, unique per CA; 128 random bits make
    /// collisions negligible without keeping state.
    private static func setRandomSerial(of certificate: X509Certificate) throws(TLSError) {
        guard let number = BN_new() else { throw TLSError.openSSL("BN_new") }
        defer { BN_free(number) }
        guard BN_rand(number, 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 else {
            throw TLSError.openSSL("cannot draw a random serial number")
        }
        if BN_is_zero(number) == 1 { BN_set_word(number, 1) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate.pointer)) != nil else {
            throw TLSError.openSSL("cannot set the serial number")
        }
    }

    /// Copies `issuer`'s subject into `certificate`'s issuer field (RFC 5280 §4.1.2.4).
    private static func setIssuer(of certificate: X509Certificate, to issuer: X509Certificate) throws(TLSError) {
        guard X509_set_issuer_name(certificate.pointer, X509_get_subject_name(issuer.pointer)) == 1 else {
            throw TLSError.openSSL("cannot set the issuer name")
        }
    }

    /// Adds one extension given in `x509v3_config(5)` syntax.
    private static func add(
        _ nid: Int32, _ value: String, to certificate: X509Certificate, context: inout X509V3_CTX
    ) throws(TLSError) {
        guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
            throw TLSError.openSSL("cannot build the \(String(cString: OBJ_nid2sn(nid))) extension \"\(value)\"")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(certificate.pointer, ext, -1) == 1 else { throw TLSError.openSSL("X509_add_ext") }
    }

    /// Signs with ECDSA over SHA-256 (RFC 5758 §3.2: ecdsa-with-SHA256).
    private static func sign(_ certificate: X509Certificate, with key: PrivateKey) throws(TLSError) {
        guard X509_sign(certificate.pointer, key.pointer, EVP_sha256()) > 0 else {
            throw TLSError.openSSL("cannot sign the certificate")
        }
    }
}
