import ARMKit
import EmuCore
import EmuHTTP
import Testing

/// Bearer checks as the pipeline applies them (CONTRACT.md §7, first row).
@Suite("ARMPipeline: authentication")
struct ARMPipelineAuthTests {
    static let missingMessage = "Authentication failed. The 'Authorization' header is missing."
    static let invalidMessage = "Authentication failed. The 'Authorization' header is provided in an invalid format."
    let target = Fixture.rgPath + "?api-version=2024-11-01"

    @Test("no Authorization header in mode any → 401 AuthenticationFailed with a Bearer challenge")
    func missingHeader() throws {
        let r = Fixture.pipeline().handle(Fixture.http(.get, target, headers: [("Host", "127.0.0.1:8443")]))
        #expect(r.status == 401)
        #expect(r.text == envelope("AuthenticationFailed", Self.missingMessage))
        #expect(r.headers["Content-Type"] == "application/json; charset=utf-8")
        let challenge = try #require(r.headers["WWW-Authenticate"])
        #expect(challenge.hasPrefix("Bearer "))
        #expect(challenge.contains("authorization_uri=\"https://127.0.0.1:8443/\""))
        #expect(challenge.contains("error=\"invalid_token\""))
        #expect(
            challenge.contains(
                "error_description=\"The authentication failed because of missing 'Authorization' header.\""))
        // A 401 is an ARM response like any other.
        #expect(isGUID(r.headers["x-ms-request-id"] ?? ""))
        #expect(r.headers["x-ms-emulator-now"] == "2026-04-24T10:48:18.0086391+00:00")
    }

    @Test(
        "a malformed Authorization header → 401 invalid format",
        arguments: ["", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "Token abc", "Bearerabc", "abc"])
    func malformedHeader(value: String) throws {
        let r = Fixture.pipeline().handle(
            Fixture.http(.get, target, headers: [("Host", "127.0.0.1:8443"), ("Authorization", value)]))
        #expect(r.status == 401)
        #expect(r.text == envelope("AuthenticationFailed", Self.invalidMessage))
        let challenge = try #require(r.headers["WWW-Authenticate"])
        #expect(challenge.contains("invalid 'Authorization' header format"))
    }

    @Test(
        "any bearer token passes in mode any; the scheme is case-insensitive",
        arguments: ["Bearer t", "bearer t", "BEARER eyJ.e30.sig", "Bearer  padded "])
    func acceptedHeader(value: String) throws {
        let r = Fixture.pipeline().handle(
            Fixture.http(.get, target, headers: [("Host", "127.0.0.1:8443"), ("Authorization", value)]))
        #expect(r.status == 200)
        #expect(try r.json()["route"] == "rg.get")
        #expect(r.headers["WWW-Authenticate"] == nil)
    }

    @Test(
        "mode off serves requests without or with a nonsense Authorization header",
        arguments: [nil, "Basic x", ""] as [String?])
    func modeOff(value: String?) throws {
        var headers = [("Host", "127.0.0.1:8443")]
        if let value { headers.append(("Authorization", value)) }
        let r = Fixture.pipeline(auth: .off).handle(Fixture.http(.get, target, headers: headers))
        #expect(r.status == 200)
        #expect(try r.json()["route"] == "rg.get")
    }

    @Test("authentication comes before routing and api-version checks")
    func authFirst() {
        let p = Fixture.pipeline()
        let noAuth = [("Host", "127.0.0.1:8443")]
        #expect(p.handle(Fixture.http(.get, "/nowhere", headers: noAuth)).status == 401)
        #expect(p.handle(Fixture.http(.get, Fixture.rgPath, headers: noAuth)).status == 401)
        #expect(p.handle(Fixture.http(.patch, target, headers: noAuth)).status == 401)
    }

    @Test("the challenge names the plain-HTTP base URL on an HTTP listener")
    func challengeOnHTTP() throws {
        let r = Fixture.pipeline().handle(
            Fixture.http(.get, target, headers: [("Host", "localhost:8080")], secure: false))
        let challenge = try #require(r.headers["WWW-Authenticate"])
        #expect(challenge.contains("authorization_uri=\"http://localhost:8080/\""))
    }

    @Test("BearerAuthenticator directly: mode any throws the 401, mode off never throws")
    func authenticatorDirect() {
        let request = Fixture.http(.get, "/x", headers: [])
        #expect(throws: ARMError.self) { try BearerAuthenticator(mode: .any).check(request, baseURL: "https://h") }
        #expect(throws: Never.self) { try BearerAuthenticator(mode: .off).check(request, baseURL: "https://h") }
        do {
            try BearerAuthenticator(mode: .any).check(request, baseURL: "https://h")
        } catch {
            #expect(error.status == 401)
            #expect(error.code == "AuthenticationFailed")
            #expect(error.message == Self.missingMessage)
        }
    }
}
