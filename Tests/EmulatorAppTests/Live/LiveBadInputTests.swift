import EmuCore
import Testing

/// Bad input of every kind over real sockets, each on its own connection; afterwards the server still serves.
@Suite("Live: bad input")
struct LiveBadInputTests {
    /// A raw request that the HTTP layer must refuse with 400 and close.
    static let malformed: [(label: String, wire: String)] = [
        ("malformed request line", "GARBAGE\r\n\r\n"),
        ("request line without a version", "GET /subscriptions\r\nHost: x\r\n\r\n"),
        ("header name with a space", "GET /subscriptions HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"),
        ("header line without a colon", "GET /subscriptions HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"),
        (
            "two Content-Lengths that disagree",
            "PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"
        ),
        ("chunk size not hex", "PUT /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nab\r\n0\r\n\r\n"),
        (
            "chunk without its CRLF",
            "PUT /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXX0\r\n\r\n"
        ),
    ]

    /// An ARM request and the error it must get.
    struct ARMCase: Sendable, CustomTestStringConvertible {
        let label: String
        let method: String
        let target: String
        let body: String?
        var auth = true
        let status: Int
        let code: String

        var testDescription: String { label }
    }

    static let rg = LiveARM.rg("bad-rg")
    static let armCases: [ARMCase] = [
        ARMCase(
            label: "non-JSON body", method: "PUT", target: LiveARM.target(rg), body: "location=eastus", status: 400,
            code: "InvalidRequestContent"),
        ARMCase(
            label: "truncated JSON", method: "PUT", target: LiveARM.target(rg), body: #"{"location":"#, status: 400,
            code: "InvalidRequestContent"),
        ARMCase(
            label: "JSON array body", method: "PUT", target: LiveARM.target(rg), body: #"[{"location":"eastus"}]"#,
            status: 400, code: "InvalidRequestContent"),
        ARMCase(
            label: "location is a number", method: "PUT", target: LiveARM.target(rg), body: #"{"location":5}"#,
            status: 400, code: "InvalidRequestContent"),
        ARMCase(
            label: "tags is a string", method: "PUT", target: LiveARM.target(rg),
            body: #"{"location":"eastus","tags":"x"}"#, status: 400, code: "InvalidRequestContent"),
        ARMCase(
            label: "VM properties is an array", method: "PUT", target: LiveARM.target(LiveARM.vm("bad-rg", "v")),
            body: #"{"location":"eastus","properties":[]}"#, status: 400, code: "InvalidRequestContent"),
        ARMCase(
            label: "missing api-version", method: "GET", target: rg, body: nil, status: 400,
            code: "MissingApiVersionParameter"),
        ARMCase(
            label: "malformed api-version", method: "GET", target: rg + "?api-version=yesterday", body: nil,
            status: 400, code: "InvalidApiVersionParameter"),
        ARMCase(
            label: "unknown old compute api-version", method: "GET",
            target: LiveARM.vm("bad-rg", "v") + "?api-version=2019-01-01", body: nil, status: 400,
            code: "InvalidApiVersionParameter"),
        ARMCase(
            label: "unknown route", method: "GET",
            target: LiveARM.target(LiveARM.cp("bad-rg") + "/galleries/g"), body: nil, status: 404,
            code: "NoRegisteredProviderFound"),
        ARMCase(
            label: "wrong method", method: "POST", target: LiveARM.target(rg), body: "{}", status: 405,
            code: "MethodNotAllowed"),
        ARMCase(
            label: "missing Authorization", method: "GET", target: LiveARM.target(rg), body: nil, auth: false,
            status: 401, code: "AuthenticationFailed"),
        ARMCase(
            label: "name with <", method: "PUT", target: LiveARM.target(LiveARM.rg("bad%3Cname")),
            body: LiveARM.rgBody(), status: 400, code: "InvalidResourceName"),
        ARMCase(
            label: "81-character name", method: "PUT",
            target: LiveARM.target(LiveARM.rpc("bad-rg", String(repeating: "n", count: 81))),
            body: #"{"location":"eastus"}"#, status: 400, code: "InvalidResourceName"),
        ARMCase(
            label: "name ending in a space", method: "PUT", target: LiveARM.target(LiveARM.rg("trailing%20")),
            body: LiveARM.rgBody(), status: 400, code: "InvalidResourceName"),
        ARMCase(
            label: "collection name ending in a dot", method: "PUT",
            target: LiveARM.target(LiveARM.rpc("bad-rg", "rpc.")), body: #"{"location":"eastus"}"#, status: 400,
            code: "InvalidResourceName"),
    ]

    @Test("every kind of bad input is refused as specified and the server still serves afterwards")
    func badInputThenServes() throws {
        let dir = try TempDirectory("bad")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        #expect(
            try LiveClient.once(port: server.httpPort, "PUT", LiveARM.target(Self.rg), body: LiveARM.rgBody()).status
                == 201)

        for (label, wire) in Self.malformed {
            let c = try server.client()
            try? c.send(wire)
            let r = try c.readResponse()
            #expect(r.status == 400, "\(label): \(r)")
            #expect(r.errorCode != nil, "\(label): \(r)")
            #expect(try c.readToEnd().isEmpty, "\(label): the connection must close after a framing error")
        }

        for t in Self.armCases {
            let r = try LiveClient.once(port: server.httpPort, t.method, t.target, body: t.body, auth: t.auth)
            #expect(r.status == t.status, "\(t.label): \(r)")
            #expect(r.errorCode == t.code, "\(t.label): \(r)")
            #expect(r.json["error"]?["message"]?.stringValue?.isEmpty == false, "\(t.label): \(r)")
            #expect(r.header("Content-Type") == "application/json; charset=utf-8", "\(t.label)")
            if t.status == 401 {
                #expect(r.header("WWW-Authenticate")?.hasPrefix("Bearer") == true, "\(r.headers)")
                #expect(
                    r.json["error"]?["message"]?.stringValue
                        == "Authentication failed. The 'Authorization' header is missing.")
            }
            if t.code == "MissingApiVersionParameter" {
                #expect(
                    r.json["error"]?["message"]?.stringValue
                        == "The api-version query parameter (?api-version=) is required for all requests.")
            }
            if t.code == "InvalidApiVersionParameter" {
                let version = t.target.split(separator: "=").last.map(String.init) ?? ""
                let message = r.json["error"]?["message"]?.stringValue ?? ""
                #expect(
                    message.hasPrefix("The api-version '\(version)' is invalid. The supported versions are '"),
                    "\(message)")
            }
            if t.status == 405 { #expect(r.header("Allow") != nil, "\(r.headers)") }
        }

        // Clients that vanish: mid-body, mid-head, and with a reset.
        let midBody = try server.client()
        try midBody.send(
            "PUT \(LiveARM.target(LiveARM.rg("half"))) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                + "Content-Length: 1000\r\n\r\n{\"location\":")
        midBody.abort()
        let midHead = try server.client()
        try midHead.send("GET /subscriptions?api-version=2022-12-01 HTTP/1.1\r\nHost: x\r\nAuthor")
        midHead.abort()
        let chunkedHalf = try server.client()
        try chunkedHalf.send(
            "PUT \(LiveARM.target(LiveARM.rg("half"))) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"loc")
        chunkedHalf.shutdownWrite()

        // Nothing of the half-sent PUTs was applied, and a fresh connection is served normally.
        let c = try server.client()
        let half = try c.request("GET", LiveARM.target(LiveARM.rg("half")))
        #expect(half.status == 404, "\(half)")
        let get = try c.request("GET", LiveARM.target(Self.rg))
        #expect(get.status == 200, "\(get)")
        #expect(get.json["name"]?.stringValue == "bad-rg")
        let list = try c.request("GET", LiveARM.target("/subscriptions/\(LiveARM.subscription)/resourcegroups"))
        #expect(list.json["value"]?.arrayValue?.count == 1, "only bad-rg exists: \(list)")
    }
}
