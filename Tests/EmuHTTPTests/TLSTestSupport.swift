import COpenSSL
import Foundation
import Testing

@testable import EmuHTTP

/// Temporary directories, file bytes and the `openssl` command line for the TLS tests.
enum TLSTestSupport {
    /// A new empty directory under the system temporary directory.
    static func makeTemporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rpemu-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Removes a directory made by ``makeTemporaryDirectory()``.
    static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The bytes of a file.
    static func contents(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// The permission bits of a file or directory.
    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    /// Runs `openssl` with `arguments`; returns its exit status and standard output plus standard error.
    static func openssl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The leaf's subjectAltName extension as `openssl x509 -ext subjectAltName` prints it.
    static func subjectAltNames(_ certificateFile: String) throws -> String {
        let result = try openssl(["x509", "-noout", "-ext", "subjectAltName", "-in", certificateFile])
        #expect(result.status == 0, "\(result.output)")
        return result.output
    }

    /// `openssl verify` of the first certificate in `certificateFile` against `caFile`, strict and for TLS
    /// servers, optionally at a given time (seconds since 1970).
    static func verify(_ certificateFile: String, caFile: String, at time: Int? = nil) throws -> (Bool, String) {
        var arguments = ["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", caFile]
        if let time { arguments += ["-attime", String(time)] }
        let result = try openssl(arguments + [certificateFile])
        return (result.status == 0 && result.output.contains(": OK"), result.output)
    }

    /// The first certificate of a PEM file.
    static func certificate(_ path: String) throws -> X509Certificate {
        try X509Certificate.readAll(pemFile: path, what: "test certificate")[0]
    }

    /// Seconds from notBefore to notAfter.
    static func validitySeconds(_ certificate: X509Certificate) -> Int {
        var days: Int32 = 0
        var seconds: Int32 = 0
        let notBefore = X509_get0_notBefore(certificate.pointer)
        ASN1_TIME_diff(&days, &seconds, notBefore, X509_get0_notAfter(certificate.pointer))
        return Int(days) * 86_400 + Int(seconds)
    }
}
