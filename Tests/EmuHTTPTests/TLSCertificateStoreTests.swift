import COpenSSL
import Foundation
import Testing

@testable import EmuHTTP

@Suite("TLS certificate store")
struct TLSCertificateStoreTests {
    @Test("first call makes a CA and a leaf that openssl verifies strictly, with the default and extra SANs")
    func generates() throws {
        let directory = try TLSTestSupport.makeTemporaryDirectory()
        defer { TLSTestSupport.remove(directory) }
        let certs = directory + "/certs"
        let paths = try TLSCertificateStore.ensure(
            directory: certs, extraHostnames: ["rpemu.test", "10.0.0.5", "[::1]", "Example.COM."])
        #expect(paths.caCertificate == certs + "/ca.pem")
        #expect(paths.certificateChain == certs + "/server.pem")
        #expect(paths.privateKey == certs + "/server-key.pem")

        let (verified, output) = try TLSTestSupport.verify(paths.certificateChain, caFile: paths.caCertificate)
        #expect(verified, "\(output)")
        let names = try TLSTestSupport.subjectAltNames(paths.certificateChain)
        for expected in [
            "IP Address:127.0.0.1", "DNS:localhost", "DNS:rpemu.test", "IP Address:10.0.0.5",
            "IP Address:0:0:0:0:0:0:0:1", "DNS:example.com",
        ] {
            #expect(names.contains(expected), "\(names)")
        }

        #expect(try TLSTestSupport.mode(certs) == 0o700)
        #expect(try TLSTestSupport.mode(certs + "/ca-key.pem") == 0o600)
        #expect(try TLSTestSupport.mode(paths.privateKey) == 0o600)
        let chain = try X509Certificate.readAll(pemFile: paths.certificateChain, what: "chain")
        #expect(chain.count == 2)
        #expect(try TLSTestSupport.contents(paths.caCertificate) == Data(try chain[1].pem()))
    }

    @Test("CA and leaf carry the extensions strict verifiers require")
    func extensions() throws {
        let directory = try TLSTestSupport.makeTemporaryDirectory()
        defer { TLSTestSupport.remove(directory) }
        let paths = try TLSCertificateStore.ensure(directory: directory, extraHostnames: [])
        let ca = try TLSTestSupport.openssl(["x509", "-noout", "-text", "-in", paths.caCertificate]).output
        #expect(ca.contains("Issuer: CN = rpemu local CA"))
        #expect(ca.contains("X509v3 Basic Constraints: critical\n                CA:TRUE"))
        #expect(ca.contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"))
        #expect(ca.contains("X509v3 Subject Key Identifier"))
        #expect(ca.contains("ASN1 OID: prime256v1"))
        let leaf = try TLSTestSupport.openssl(["x509", "-noout", "-text", "-in", paths.certificateChain]).output
        #expect(leaf.contains("CA:FALSE"))
        #expect(leaf.contains("X509v3 Key Usage: critical\n                Digital Signature"))
        #expect(leaf.contains("TLS Web Server Authentication"))
        #expect(leaf.contains("X509v3 Authority Key Identifier"))
        #expect(leaf.contains("X509v3 Subject Key Identifier"))

        let certificate = try TLSTestSupport.certificate(paths.certificateChain)
        #expect(TLSTestSupport.validitySeconds(certificate) <= 397 * 86_400)
        #expect(certificate.isNotYetValid(at: time(nil) - 60) == false)
        let authority = try TLSTestSupport.certificate(paths.caCertificate)
        #expect(TLSTestSupport.validitySeconds(authority) >= 3650 * 86_400)
    }

    @Test("a second call with the same names reuses every file unchanged")
    func reuses() throws {
        let directory = try TLSTestSupport.makeTemporaryDirectory()
        defer { TLSTestSupport.remove(directory) }
        let files = ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"].map { directory + "/" + $0 }
        _ = try TLSCertificateStore.ensure(directory: directory, extraHostnames: ["rpemu.test"])
        let before = try files.map(TLSTestSupport.contents)
        _ = try TLSCertificateStore.ensure(directory: directory, extraHostnames: ["RPEMU.test"])
        _ = try TLSCertificateStore.ensure(directory: directory, extraHostnames: [])
        #expect(try files.map(TLSTestSupport.contents) == before)
    }

    @Test("a new hostname re-issues the leaf from the same CA")
    func reissuesForHostname() throws {
        let directory = try TLSTestSupport.makeTemporaryDirectory()
        defer { TLSTestSupport.remove(directory) }
        let paths = try TLSCertificateStore.ensure(directory: directory, extraHostnames: [])
        let ca = try TLSTestSupport.contents(paths.caCertificate)
        let caKey = try TLSTestSupport.contents(directory + "/ca-key.pem")
        let leaf = try TLSTestSupport.contents(paths.certificateChain)
        _ = try TLSCertificateStore.ensure(directory: directory, extraHostnames: ["192.168.7.9"])
        #expect(try TLSTestSupport.contents(paths.caCertificate) == ca)
        #expect(try TLSTestSupport.contents(directory + "/ca-key.pem") == caKey)
        #expect(try TLSTestSupport.contents(paths.certificateChain) != leaf)
        #expect(try TLSTestSupport.subjectAltNames(paths.certificateChain).contains("IP Address:192.168.7.9"))
        let (verified, output) = try TLSTestSupport.verify(paths.certificateChain, caFile: paths.caCertificate)
        #expect(verified, "\(output)")
    }

    @Test("a leaf within 30 days of expiry, or without its key, is re-issued; the CA stays")
    func reissuesWhenStale() throws {
        let directory = try TLSTestSupport.makeTemporaryDirectory()
        defer { TLSTestSupport.remove(directory) }
        let now = time(nil)
        let paths = try TLSCertificateStore.ensure(directory: directory, extraHostnames: [], now: now)
        let ca = try TLSTestSupport.contents(paths.caCertificate)
        let leaf = try TLSTestSupport.contents(paths.certificateChain)
        let later = now + 370 * 86_400
        _ = try TLSCertificateStore.ensure(directory: directory, extraHostnames: [], now: now + 300 * 86_400)
        #expect(try TLSTestSupport.contents(paths.certificateChain) == leaf)
        _ = try TLSCertificateStore.ensure(directory: directory, extraHostnames: [], now: later)
        #expect(try TLSTestSupport.contents(paths.certificateChain) != leaf)
        #expect(try TLSTestSupport.contents(paths.caCertificate) == ca)
        let (verified, output) = try TLSTestSupport.verify(
            paths.certificateChain, caFile: paths.caCertificate, at: Int(later))
        #expect(verified, "\(output)")

        let renewed = try TLSTestSupport.contents(paths.certificateChain)
        try FileManager.default.removeItem(atPath: paths.privateKey)
        _ = try TLSCertificateStore.ensure(directory: directory, extraHostnames: [], now: later)
        #expect(try TLSTestSupport.contents(paths.certificateChain) != renewed)
        #expect(try TLSTestSupport.contents(paths.caCertificate) == ca)
    }

    @Test("a CA key that does not match the CA is an error, not a silent new CA")
    func refusesMismatchedAuthority() throws {
        let first = try TLSTestSupport.makeTemporaryDirectory()
        let second = try TLSTestSupport.makeTemporaryDirectory()
        defer {
            TLSTestSupport.remove(first)
            TLSTestSupport.remove(second)
        }
        _ = try TLSCertificateStore.ensure(directory: first, extraHostnames: [])
        _ = try TLSCertificateStore.ensure(directory: second, extraHostnames: [])
        try TLSTestSupport.contents(second + "/ca-key.pem").write(to: URL(fileURLWithPath: first + "/ca-key.pem"))
        let error = #expect(throws: TLSError.self) {
            try TLSCertificateStore.ensure(directory: first, extraHostnames: [])
        }
        #expect(error?.message.contains("does not match CA certificate") == true, "\(String(describing: error))")
    }

    @Test("hostnames that fit neither an IP nor a DNS name are rejected", arguments: ["", "a b", "x,DNS:evil", "-a.b"])
    func rejectsBadHostname(_ hostname: String) throws {
        let directory = try TLSTestSupport.makeTemporaryDirectory()
        defer { TLSTestSupport.remove(directory) }
        let error = #expect(throws: TLSError.self) {
            try TLSCertificateStore.ensure(directory: directory, extraHostnames: [hostname])
        }
        #expect(error?.message.contains("neither an IP address nor a DNS name") == true)
    }

    @Test("bring-your-own: a matching pair loads; a mismatched key or a missing file says so")
    func loadsOwnCertificate() throws {
        let first = try TLSTestSupport.makeTemporaryDirectory()
        let second = try TLSTestSupport.makeTemporaryDirectory()
        defer {
            TLSTestSupport.remove(first)
            TLSTestSupport.remove(second)
        }
        let mine = try TLSCertificateStore.ensure(directory: first, extraHostnames: [])
        let other = try TLSCertificateStore.ensure(directory: second, extraHostnames: [])
        let loaded = try TLSCertificateStore.load(certificateChain: mine.certificateChain, privateKey: mine.privateKey)
        #expect(loaded.certificateChain == mine.certificateChain)

        let mismatch = #expect(throws: TLSError.self) {
            try TLSCertificateStore.load(certificateChain: mine.certificateChain, privateKey: other.privateKey)
        }
        #expect(mismatch?.message.contains("does not match the first certificate in \(mine.certificateChain)") == true)
        let missing = #expect(throws: TLSError.self) {
            try TLSCertificateStore.load(certificateChain: first + "/nope.pem", privateKey: mine.privateKey)
        }
        #expect(missing?.message == "certificate chain \(first)/nope.pem does not exist")
        let notPEM = #expect(throws: TLSError.self) {
            try TLSCertificateStore.load(certificateChain: mine.privateKey, privateKey: mine.privateKey)
        }
        #expect(notPEM?.message.contains("holds no PEM certificate") == true, "\(String(describing: notPEM))")
        let context = #expect(throws: TLSError.self) {
            try TLSContext(certificateChainFile: mine.certificateChain, privateKeyFile: other.privateKey)
        }
        #expect(context?.message.contains("does not match") == true, "\(String(describing: context))")
    }
}
