import EmuCore
import Testing

/// The plain HTTP listener through a raw socket: connection reuse, pipelining, `Expect`, limits, standard headers.
@Suite("Live: HTTP/1.1 on the wire")
struct LiveHTTPWireTests {
    @Test("keep-alive: several ARM and control-plane requests on one connection")
    func keepAlive() throws {
        let dir = try TempDirectory("keepalive")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let c = try server.client()
        let put = try c.request("PUT", LiveARM.target(LiveARM.rg("ka")), body: LiveARM.rgBody())
        #expect(put.status == 201, "\(put)")
        let get = try c.request("GET", LiveARM.target(LiveARM.rg("ka")))
        #expect(get.status == 200, "\(get)")
        #expect(get.json["name"]?.stringValue == "ka")
        let head = try c.request("HEAD", LiveARM.target(LiveARM.rg("ka")))
        #expect(head.status == 204, "\(head)")
        let missing = try c.request("HEAD", LiveARM.target(LiveARM.rg("ka-missing")))
        #expect(missing.status == 404, "\(missing)")
        let health = try c.request("GET", "/_emulator/health", auth: false)
        #expect(health.status == 200, "\(health)")
        let list = try c.request("GET", LiveARM.target("/subscriptions/\(LiveARM.subscription)/resourcegroups"))
        #expect(list.status == 200, "\(list)")
        #expect(list.json["value"]?.arrayValue?.count == 1, "\(list)")
        for r in [put, get, head, missing, health, list] {
            #expect(r.header("Connection")?.lowercased() != "close", "\(r.headers)")
        }
    }

    @Test("a pipelined PUT and GET are answered in order on one connection")
    func pipelined() throws {
        let dir = try TempDirectory("pipeline")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let c = try server.client()
        let target = LiveARM.target(LiveARM.rg("piped"))
        try c.send(
            c.requestText("PUT", target, body: LiveARM.rgBody()) + c.requestText("GET", target)
                + c.requestText("GET", "/_emulator/health", auth: false))
        let first = try c.readResponse()
        let second = try c.readResponse()
        let third = try c.readResponse()
        #expect(first.status == 201, "\(first)")
        #expect(second.status == 200, "\(second)")
        #expect(second.json["id"]?.stringValue == LiveARM.rg("piped"))
        #expect(third.status == 200, "\(third)")
        #expect(third.json["status"]?.stringValue == "healthy", "\(third)")
        #expect(first.header("x-ms-request-id") != second.header("x-ms-request-id"))
    }

    @Test("Expect: 100-continue gets an interim 100 before the body is sent, then the final answer")
    func expectContinue() throws {
        let dir = try TempDirectory("continue")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let c = try server.client()
        let body = LiveARM.rgBody()
        try c.send(
            "PUT \(LiveARM.target(LiveARM.rg("cont"))) HTTP/1.1\r\nHost: \(c.authority)\r\n"
                + "Authorization: Bearer t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n")
        let interim = try c.readResponse()
        #expect(interim.status == 100, "\(interim)")
        try c.send(body)
        let final = try c.readResponse()
        #expect(final.status == 201, "\(final)")
        #expect(final.json["location"]?.stringValue == "eastus", "\(final)")
        // The connection stays usable.
        let again = try c.request("GET", LiveARM.target(LiveARM.rg("cont")))
        #expect(again.status == 200, "\(again)")
    }

    @Test("a body of 4 MiB + 1 → 413 with an ARM error envelope; the server still serves")
    func bodyTooLarge() throws {
        let dir = try TempDirectory("413")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let size = 4 * 1024 * 1024 + 1
        let c = try server.client()
        let head =
            "PUT \(LiveARM.target(LiveARM.rg("big"))) HTTP/1.1\r\nHost: \(c.authority)\r\n"
            + "Authorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: \(size)\r\n\r\n"
        var bytes = Array(head.utf8)
        bytes += [UInt8](repeating: UInt8(ascii: " "), count: size)
        // The server may answer before the body is all sent: it lingers and discards the rest (RFC 9112 §9.6).
        try? c.send(bytes)
        let r = try c.readResponse()
        #expect(r.status == 413, "\(r)")
        #expect(r.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(r.errorCode != nil, "\(r)")
        #expect(r.json["error"]?["message"]?.stringValue?.isEmpty == false, "\(r)")

        // The same through chunked encoding: four 1 MiB chunks, then one more byte.
        let chunked = try server.client()
        try chunked.send(
            "PUT \(LiveARM.target(LiveARM.rg("big"))) HTTP/1.1\r\nHost: \(chunked.authority)\r\n"
                + "Authorization: Bearer t\r\nTransfer-Encoding: chunked\r\n\r\n")
        let mib = [UInt8](repeating: UInt8(ascii: " "), count: 1024 * 1024)
        for _ in 0..<4 { try? chunked.send(Array("100000\r\n".utf8) + mib + Array("\r\n".utf8)) }
        try? chunked.send("1\r\n")
        let r2 = try chunked.readResponse()
        #expect(r2.status == 413, "\(r2)")
        #expect(r2.errorCode != nil, "\(r2)")

        let fresh = try LiveClient.once(port: server.httpPort, "GET", LiveARM.target(LiveARM.rg("big")))
        #expect(fresh.status == 404, "\(fresh)")
        #expect(fresh.errorCode == "ResourceGroupNotFound", "\(fresh)")
    }

    @Test("a header section over 32 KiB → 431; the server still serves")
    func headersTooLarge() throws {
        let dir = try TempDirectory("431")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let c = try server.client()
        let filler = String(repeating: "a", count: 1000)
        var text = "GET \(LiveARM.target("/subscriptions")) HTTP/1.1\r\nHost: \(c.authority)\r\n"
        for i in 0..<34 { text += "X-Filler-\(i): \(filler)\r\n" }
        try? c.send(text + "\r\n")
        let r = try c.readResponse()
        #expect(r.status == 431, "\(r)")
        #expect(r.errorCode != nil, "\(r)")
        let fresh = try LiveClient.once(port: server.httpPort, "GET", LiveARM.target("/subscriptions"))
        #expect(fresh.status == 200, "\(fresh)")
    }

    @Test("exactly at the limits: a 4 MiB body and a 32 KiB header section are served")
    func exactlyAtTheLimits() throws {
        let dir = try TempDirectory("limits")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let c = try server.client()
        let json = Array(LiveARM.rgBody().utf8)
        let size = 4 * 1024 * 1024
        let head =
            "PUT \(LiveARM.target(LiveARM.rg("exact"))) HTTP/1.1\r\nHost: \(c.authority)\r\n"
            + "Authorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: \(size)\r\n\r\n"
        try c.send(Array(head.utf8) + [UInt8](repeating: UInt8(ascii: " "), count: size - json.count) + json)
        let put = try c.readResponse()
        #expect(put.status == 201, "\(put)")

        let start =
            "GET \(LiveARM.target(LiveARM.rg("exact"))) HTTP/1.1\r\nHost: \(c.authority)\r\n"
            + "Authorization: Bearer t\r\nX-Pad: "
        let pad = 32 * 1024 - start.utf8.count - 4
        try c.send(start + String(repeating: "p", count: pad) + "\r\n\r\n")
        let get = try c.readResponse()
        #expect(get.status == 200, "\(get)")
        try c.send(start + String(repeating: "p", count: pad + 1) + "\r\n\r\n")
        let over = try c.readResponse()
        #expect(over.status == 431, "\(over)")
    }

    @Test("Expect: 100-continue with an oversized Content-Length gets 413 at once, never 100")
    func expectContinueTooLarge() throws {
        let dir = try TempDirectory("continue413")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let c = try server.client()
        try c.send(
            "PUT \(LiveARM.target(LiveARM.rg("cont"))) HTTP/1.1\r\nHost: \(c.authority)\r\n"
                + "Authorization: Bearer t\r\nExpect: 100-continue\r\nContent-Length: \(4 * 1024 * 1024 + 1)\r\n\r\n")
        let r = try c.readResponse()
        #expect(r.status == 413, "\(r)")
        #expect(try c.readToEnd().isEmpty)
    }

    @Test("a valid request pipelined before garbage is answered, then the garbage gets 400 and the connection closes")
    func pipelinedGarbage() throws {
        let dir = try TempDirectory("pipegarbage")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let c = try server.client()
        try c.send(c.requestText("GET", LiveARM.target("/subscriptions")) + "NOT HTTP AT ALL\r\n\r\n")
        let first = try c.readResponse()
        #expect(first.status == 200, "\(first)")
        let second = try c.readResponse()
        #expect(second.status == 400, "\(second)")
        #expect(try c.readToEnd().isEmpty)
        let fresh = try LiveClient.once(port: server.httpPort, "GET", LiveARM.target("/subscriptions"))
        #expect(fresh.status == 200)
    }

    @Test("every ARM response carries x-ms-request-id, x-ms-correlation-request-id and x-ms-emulator-now")
    func standardHeaders() throws {
        let dir = try TempDirectory("headers")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let c = try server.client()
        let rg = LiveARM.rg("hdr")
        let cases: [(String, String, String?, Bool, Int)] = [
            ("PUT", LiveARM.target(rg), LiveARM.rgBody(), true, 201),
            ("GET", LiveARM.target(rg), nil, true, 200),
            ("PUT", LiveARM.target(LiveARM.vm("hdr", "v")), LiveARM.vmBody("v"), true, 201),
            ("GET", LiveARM.target(LiveARM.rg("nope")), nil, true, 404),
            ("GET", LiveARM.target(rg), nil, false, 401),
            ("GET", rg, nil, true, 400),
            ("GET", LiveARM.target("/subscriptions/\(LiveARM.subscription)/nothing"), nil, true, 404),
            ("DELETE", LiveARM.target(rg), nil, true, 202),
        ]
        var requestIDs: Set<String> = []
        for (i, (method, target, body, auth, status)) in cases.enumerated() {
            let correlation = "live-correlation-\(i)"
            let r = try c.request(
                method, target, body: body, auth: auth, headers: ["x-ms-correlation-request-id: \(correlation)"])
            #expect(r.status == status, "\(method) \(target): \(r)")
            let requestID = r.header("x-ms-request-id")
            #expect(requestID.map(Self.isGUID) == true, "\(method) \(target): \(r.headers)")
            if let requestID { requestIDs.insert(requestID) }
            #expect(r.header("x-ms-correlation-request-id") == correlation, "\(method) \(target): \(r.headers)")
            let now = r.header("x-ms-emulator-now") ?? ""
            #expect(Self.isARMTime(now), "\(method) \(target): x-ms-emulator-now '\(now)'")
        }
        #expect(requestIDs.count == cases.count)
        // Without a correlation id the request id stands in for it.
        let plain = try c.request("GET", LiveARM.target("/subscriptions"))
        #expect(plain.header("x-ms-correlation-request-id") == plain.header("x-ms-request-id"))
        #expect(plain.header("x-ms-correlation-request-id") != nil)
    }

    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex.
    static func isGUID(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        return parts.map(\.count) == [8, 4, 4, 4, 12] && parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// `2026-04-24T10:48:18.0086391+00:00` (CONTRACT.md §3).
    static func isARMTime(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 33, s.hasSuffix("+00:00") else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] + Array(20...26)
        return digits.allSatisfy { (48...57).contains(b[$0]) } && b[4] == 45 && b[10] == 84 && b[19] == 46
    }
}
