import EmuCore
import EmulatorApp
import Foundation
import Testing

/// The HTTPS listener driven by the real `curl` binary and OpenSSL on both sides (CONTRACT.md §1, §9).
@Suite("Live: HTTPS with curl")
struct LiveHTTPSTests {
    @Test("RG, VM with a PremiumV2 data disk and a collection are created and read back over TLS")
    func resourcesOverTLS() throws {
        let dir = try TempDirectory("https")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"))
        defer { server.stop() }
        let curl = Curl(scratch: dir.path, caCertificate: server.caPath)
        let base = "https://127.0.0.1:\(server.httpsPort)"

        let rg = try curl.run("PUT", base + LiveARM.target(LiveARM.rg("tls-rg")), body: LiveARM.rgBody())
        #expect(rg.exitCode == 0, "\(rg)")
        #expect(rg.status == 201, "\(rg)")
        #expect(rg.header("Strict-Transport-Security") != nil)

        let vmPath = LiveARM.vm("tls-rg", "tls-vm")
        let vm = try curl.run("PUT", base + LiveARM.target(vmPath), body: LiveARM.vmBody("tls-vm"))
        #expect(vm.status == 201, "\(vm)")
        let asyncURL = try #require(vm.header("Azure-AsyncOperation"), "\(vm)")
        #expect(asyncURL.hasPrefix(base + "/subscriptions/"), "\(asyncURL)")
        let vmID = try #require(vm.json["properties"]?["vmId"]?.stringValue, "\(vm)")
        let dataDisk = vm.json["properties"]?["storageProfile"]?["dataDisks"]?.arrayValue?.first
        #expect(dataDisk?["managedDisk"]?["storageAccountType"]?.stringValue == "PremiumV2_LRS", "\(vm)")

        let rpcPath = LiveARM.rpc("tls-rg", "tls-rpc")
        let rpc = try curl.run("PUT", base + LiveARM.target(rpcPath), body: LiveARM.rpcBody(source: vmPath))
        #expect(rpc.status == 201, "\(rpc)")
        let rpcID = try #require(rpc.json["properties"]?["restorePointCollectionId"]?.stringValue, "\(rpc)")

        let rgBack = try curl.run("GET", base + LiveARM.target(LiveARM.rg("tls-rg")))
        #expect(rgBack.status == 200, "\(rgBack)")
        #expect(rgBack.json["id"]?.stringValue == LiveARM.rg("tls-rg"))
        #expect(rgBack.json["tags"]?["suite"]?.stringValue == "live")
        let vmBack = try curl.run("GET", base + LiveARM.target(vmPath))
        #expect(vmBack.status == 200, "\(vmBack)")
        #expect(vmBack.json["id"]?.stringValue == vmPath)
        #expect(vmBack.json["properties"]?["vmId"]?.stringValue == vmID)
        let rpcBack = try curl.run("GET", base + LiveARM.target(rpcPath))
        #expect(rpcBack.status == 200, "\(rpcBack)")
        #expect(rpcBack.json["id"]?.stringValue == rpcPath)
        #expect(rpcBack.json["properties"]?["restorePointCollectionId"]?.stringValue == rpcID)
        #expect(rpcBack.json["properties"]?["source"]?["id"]?.stringValue?.lowercased() == vmPath.lowercased())
    }

    @Test("a clock move's streamed answer (chunked) arrives whole over TLS")
    func streamedAnswerOverTLS() throws {
        let dir = try TempDirectory("https-stream")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data")) { $0.clockFrozen = true }
        defer { server.stop() }
        let curl = Curl(scratch: dir.path, caCertificate: server.caPath)
        let base = "https://127.0.0.1:\(server.httpsPort)"
        let vm = LiveARM.vm("tls-clock", "vm1")
        let rpc = LiveARM.rpc("tls-clock", "rpc1")
        for (path, body) in [
            (LiveARM.rg("tls-clock"), LiveARM.rgBody()), (vm, LiveARM.vmBody("vm1")),
            (rpc, LiveARM.rpcBody(source: vm)), (rpc + "/restorePoints/rp1", "{}"),
        ] {
            let put = try curl.run("PUT", base + LiveARM.target(path), body: body)
            #expect(put.status == 201, "\(put)")
        }
        let moved = try curl.run("POST", base + "/_emulator/clock", body: #"{"advance":"P1D"}"#, auth: false)
        #expect(moved.exitCode == 0, "\(moved)")
        #expect(moved.status == 200, "\(moved)")
        #expect(moved.header("Transfer-Encoding") == "chunked", "\(moved)")
        let tos = moved.json["changes"]?.arrayValue?.compactMap { $0["to"]?.stringValue } ?? []
        // Provisioning, then each disk restore point and the aggregate through the instant access states.
        #expect(tos.first == "Succeeded", "\(moved)")
        #expect(tos.last == "Available", "\(moved)")
        #expect(moved.json["frozen"]?.boolValue == true)
    }

    @Test("GET /_emulator/tls/ca.pem serves the CA file byte for byte, over HTTPS and HTTP")
    func caCertificateEndpoint() throws {
        let dir = try TempDirectory("ca")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"))
        defer { server.stop() }
        let file = try #require(FileManager.default.contents(atPath: server.caPath), "no \(server.caPath)")
        #expect(String(decoding: file, as: UTF8.self).hasPrefix("-----BEGIN CERTIFICATE-----"))

        let curl = Curl(scratch: dir.path, caCertificate: server.caPath)
        let tls = try curl.run("GET", "https://127.0.0.1:\(server.httpsPort)/_emulator/tls/ca.pem", auth: false)
        #expect(tls.exitCode == 0, "\(tls)")
        #expect(tls.status == 200)
        #expect(tls.body == [UInt8](file))
        let plain = try LiveClient.once(port: server.httpPort, "GET", "/_emulator/tls/ca.pem", auth: false)
        #expect(plain.status == 200)
        #expect(plain.body == [UInt8](file))
    }

    @Test("without --cacert curl refuses the certificate: the chain is real, not a trust-anything setup")
    func verificationFailsWithoutTheCA() throws {
        let dir = try TempDirectory("noca")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"))
        defer { server.stop() }
        let untrusted = Curl(scratch: dir.path, caCertificate: nil)
        let r = try untrusted.run("GET", "https://127.0.0.1:\(server.httpsPort)/_emulator/health", auth: false)
        // 60 = CURLE_PEER_FAILED_VERIFICATION: the handshake itself worked, the issuer is unknown.
        #expect(r.exitCode == 60, "\(r)")
        #expect(r.status == 0)
        // A certificate for another name than the one it carries fails too (51/60), with the CA trusted.
        let trusted = Curl(scratch: dir.path, caCertificate: server.caPath)
        let wrongName = try trusted.run(
            "GET", "https://rpemu-wrong-name.invalid:\(server.httpsPort)/_emulator/health", auth: false,
            extra: ["--resolve", "rpemu-wrong-name.invalid:\(server.httpsPort):127.0.0.1"])
        #expect(wrongName.exitCode == 60 || wrongName.exitCode == 51, "\(wrongName)")
        let ok = try trusted.run("GET", "https://localhost:\(server.httpsPort)/_emulator/health", auth: false)
        #expect(ok.exitCode == 0, "\(ok)")
        #expect(ok.status == 200)
    }

    @Test("plain HTTP on the HTTPS port is refused without an answer; TLS on the same port still works")
    func plaintextOnTheTLSPort() throws {
        let dir = try TempDirectory("plain-on-tls")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"))
        defer { server.stop() }
        let c = try LiveClient(port: server.httpsPort)
        try? c.send("GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let answer = try c.readToEnd()
        #expect(!LiveClient.text(answer).hasPrefix("HTTP/1.1 200"), "\(LiveClient.text(answer))")
        let curl = Curl(scratch: dir.path, caCertificate: server.caPath)
        let ok = try curl.run("GET", "https://127.0.0.1:\(server.httpsPort)/_emulator/health", auth: false)
        #expect(ok.status == 200, "\(ok)")
    }

    @Test(
        "TLS 1.2 and TLS 1.3 both serve ARM requests",
        arguments: [
            (["--tlsv1.2", "--tls-max", "1.2"], "TLSv1.2"),
            (["--tlsv1.3"], "TLSv1.3"),
        ])
    func tlsVersions(options: [String], negotiated: String) throws {
        let dir = try TempDirectory("tlsv")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"))
        defer { server.stop() }
        let curl = Curl(scratch: dir.path, caCertificate: server.caPath)
        let r = try curl.run(
            "GET", "https://127.0.0.1:\(server.httpsPort)/subscriptions?api-version=2022-12-01", extra: options + ["-v"]
        )
        #expect(r.exitCode == 0, "\(r)")
        #expect(r.status == 200, "\(r)")
        #expect(r.stderr.contains("SSL connection using \(negotiated)"), "\(r.stderr)")
        let ids = r.json["value"]?.arrayValue?.compactMap { $0["subscriptionId"]?.stringValue } ?? []
        #expect(ids.contains(LiveARM.subscription), "\(r)")
        #expect(r.header("x-ms-request-id") != nil)
        #expect(r.header("x-ms-emulator-now") != nil)
    }
}
