import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory holding a local CA and a server certificate it signed, made on first use and kept across runs
/// so that clients configured once (`REQUESTS_CA_BUNDLE=<dir>/ca.pem`, clients.md §0.2) keep working.
///
/// Files: `ca.pem`, `ca-key.pem`, `server.pem` (leaf then CA), `server-key.pem`; the directory is 0700 and keys
/// are 0600. The CA is kept whenever it is usable; the leaf is re-issued from it when it lacks a requested
/// hostname, expires within ``renewalWindowDays``, or no longer matches its key or the CA.
public enum TLSCertificateStore {
    /// A leaf expiring within this many days is replaced.
    public static let renewalWindowDays = 30

    /// Returns the certificate files in `directory`, creating or re-issuing what is missing, stale, or lacks one
    /// of `extraHostnames` (IP literals become iPAddress entries, others dNSName entries). The leaf always names
    /// `127.0.0.1` and `localhost`.
    public static func ensure(directory: String, extraHostnames: [String]) throws(TLSError) -> TLSCertificatePaths {
        try ensure(directory: directory, extraHostnames: extraHostnames, now: time(nil))
    }

    /// `ensure(directory:extraHostnames:)` at the given time (seconds since 1970), for tests that move time.
    static func ensure(
        directory: String, extraHostnames: [String], now: time_t
    ) throws(TLSError) -> TLSCertificatePaths {
        OpenSSLErrorQueue.clear()
        var names = SubjectAlternativeName.defaults
        for hostname in extraHostnames {
            let name = try SubjectAlternativeName(hostname: hostname)
            if !names.contains(name) { names.append(name) }
        }
        try PEMFile.makeDirectory(directory, mode: 0o700)
        // Two emulators starting on one directory would otherwise each write a CA and keep the other's key.
        let lock = try lockDirectory(directory)
        defer { close(lock) }
        let paths = TLSCertificatePaths(
            caCertificate: directory + "/ca.pem", certificateChain: directory + "/server.pem",
            privateKey: directory + "/server-key.pem")
        let authorityKeyPath = directory + "/ca-key.pem"
        let renewBy = now + time_t(renewalWindowDays * 86_400)

        let authority: X509Certificate
        let authorityKey: PrivateKey
        var authorityIsNew = false
        if let existing = try loadAuthority(certificate: paths.caCertificate, key: authorityKeyPath),
            !existing.certificate.expires(atOrBefore: renewBy)
        {
            (authority, authorityKey) = existing
        } else {
            (authority, authorityKey) = try CertificateIssuer.makeAuthority(now: now)
            try PEMFile.writeAtomically(authorityKey.pem(), to: authorityKeyPath, mode: 0o600)
            try PEMFile.writeAtomically(authority.pem(), to: paths.caCertificate, mode: 0o644)
            authorityIsNew = true
        }

        if !authorityIsNew,
            let leaf = loadLeaf(paths),
            leaf.certificate.matches(leaf.key), leaf.certificate.isIssued(by: authority),
            !leaf.certificate.expires(atOrBefore: renewBy), !leaf.certificate.isNotYetValid(at: now),
            names.allSatisfy(leaf.certificate.covers)
        {
            return paths
        }
        let leaf = try CertificateIssuer.makeLeaf(
            names: names, authority: authority, authorityKey: authorityKey, now: now)
        try PEMFile.writeAtomically(leaf.key.pem(), to: paths.privateKey, mode: 0o600)
        try PEMFile.writeAtomically(leaf.certificate.pem() + authority.pem(), to: paths.certificateChain, mode: 0o644)
        OpenSSLErrorQueue.clear()
        return paths
    }

    /// Checks a bring-your-own certificate: both files exist, the chain holds at least one PEM certificate, the
    /// key is readable and unencrypted, and it is the key of the chain's first certificate.
    public static func load(certificateChain: String, privateKey: String) throws(TLSError) -> TLSCertificatePaths {
        OpenSSLErrorQueue.clear()
        let chain = try X509Certificate.readAll(pemFile: certificateChain, what: "certificate chain")
        let key = try PrivateKey.read(pemFile: privateKey, what: "private key")
        guard chain[0].matches(key) else {
            throw TLSError(
                "private key \(privateKey) does not match the first certificate in \(certificateChain) "
                    + "(the chain file must list the server certificate first)")
        }
        return TLSCertificatePaths(
            caCertificate: certificateChain, certificateChain: certificateChain, privateKey: privateKey)
    }

    /// The CA and its key; nil when neither file exists, or only one does (a CA without its key cannot issue).
    /// Throws when both exist but are unreadable or do not belong together: replacing them would silently
    /// break every client that trusts the CA, so people decide.
    private static func loadAuthority(
        certificate path: String, key keyPath: String
    ) throws(TLSError) -> (certificate: X509Certificate, key: PrivateKey)? {
        guard PEMFile.exists(path), PEMFile.exists(keyPath) else { return nil }
        let certificate = try X509Certificate.readAll(pemFile: path, what: "CA certificate")[0]
        let key = try PrivateKey.read(pemFile: keyPath, what: "CA private key")
        guard certificate.matches(key) else {
            throw TLSError(
                "CA key \(keyPath) does not match CA certificate \(path); delete both to make a new CA")
        }
        return (certificate, key)
    }

    /// Holds an exclusive `flock(2)` on `<directory>/.lock` until the returned descriptor is closed.
    private static func lockDirectory(_ directory: String) throws(TLSError) -> Int32 {
        let fd = open(directory + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TLSError("cannot open \(directory)/.lock: \(PEMFile.errnoText())") }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = PEMFile.errnoText()
                close(fd)
                throw TLSError("cannot lock \(directory)/.lock: \(reason)")
            }
        }
        return fd
    }

    /// The leaf and its key, or nil when either is missing or unreadable (the leaf is always replaceable).
    private static func loadLeaf(_ paths: TLSCertificatePaths) -> (certificate: X509Certificate, key: PrivateKey)? {
        defer { OpenSSLErrorQueue.clear() }
        guard let chain = try? X509Certificate.readAll(pemFile: paths.certificateChain, what: "certificate chain"),
            let key = try? PrivateKey.read(pemFile: paths.privateKey, what: "private key")
        else { return nil }
        return (chain[0], key)
    }
}
