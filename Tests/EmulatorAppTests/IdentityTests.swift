import ARMKit
import EmuCore
import EmuHTTP
import Testing

@testable import EmulatorApp

@Suite("Identity plane: cloud metadata, OpenID, tokens, managed identity, strict auth")
struct IdentityTests {
    static let base = "https://\(TestEmulator.host)"

    /// A client-credentials token from `POST /{tenant}/oauth2/v2.0/token`.
    private func clientToken(_ e: TestEmulator, scope: String = base + "/.default") -> Reply {
        let form =
            "client_id=44444444-4444-4444-4444-444444444444&grant_type=client_credentials&client_info=1"
            + "&client_secret=fake%2Bsecret&scope=\(URLComponentsParser.percentEncode(scope))"
        return e.call(
            .post, "/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token", api: nil, rawBody: Array(form.utf8),
            headers: [("Content-Type", "application/x-www-form-urlencoded")], auth: false)
    }

    // MARK: Cloud metadata

    @Test func cloudMetadataIsOneObjectForADatedVersion() throws {
        let e = try TestEmulator()
        let r = e.call(.get, "/metadata/endpoints", api: "2022-09-01", auth: false)
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(r.json["resourceManager"]?.stringValue == Self.base + "/")
        #expect(r.json["authentication"]?["loginEndpoint"]?.stringValue == Self.base + "/")
        #expect(r.json["authentication"]?["audiences"]?.arrayValue?.first?.stringValue == Self.base + "/")
        #expect(r.json["suffixes"]?.objectValue != nil)
        #expect(r.json["name"]?.stringValue == "rpemu")
    }

    @Test(arguments: [nil, "2019-05-01"])
    func cloudMetadataIsAListForARMCloudMetadataURL(api: String?) throws {
        let e = try TestEmulator()
        let r = e.call(.get, "/metadata/endpoints", api: api, auth: false)
        #expect(r.status == 200)
        let clouds = try #require(r.json.arrayValue)
        #expect(clouds.count == 1)
        #expect(clouds[0]["resourceManager"]?.stringValue == Self.base + "/")
        #expect(clouds[0]["suffixes"]?.objectValue != nil)
    }

    @Test func cloudMetadataFollowsHostAndSchemeAndTakesADoubleSlash() throws {
        let e = try TestEmulator()
        let r = e.call(.get, "//metadata/endpoints", api: "2022-09-01", auth: false, secure: false)
        #expect(r.status == 200)
        #expect(r.json["resourceManager"]?.stringValue == "http://\(TestEmulator.host)/")
        let bad = e.call(.get, "/metadata/endpoints", api: "yesterday", auth: false)
        #expect(bad.status == 400)
        #expect(bad.json["error"]?.stringValue == "invalid_request")
        #expect(e.call(.post, "/metadata/endpoints", api: "2022-09-01", auth: false).status == 405)
    }

    // MARK: OpenID and the token endpoint

    @Test func openIDConfigurationPointsAtTheTenantsEndpoints() throws {
        let e = try TestEmulator()
        let r = e.call(.get, "/my-tenant/v2.0/.well-known/openid-configuration", api: nil, auth: false)
        #expect(r.status == 200)
        #expect(r.json["token_endpoint"]?.stringValue == Self.base + "/my-tenant/oauth2/v2.0/token")
        #expect(r.json["authorization_endpoint"]?.stringValue == Self.base + "/my-tenant/oauth2/v2.0/authorize")
        #expect(r.json["issuer"]?.stringValue == Self.base + "/my-tenant/v2.0")
    }

    @Test func clientCredentialsGiveASignedJWT() throws {
        let e = try TestEmulator()
        let r = clientToken(e)
        #expect(r.status == 200)
        #expect(r.json["token_type"]?.stringValue == "Bearer")
        #expect(r.json["expires_in"]?.intValue == 86_399)
        #expect(r.json["ext_expires_in"]?.intValue == 86_399)
        let token = try #require(r.json["access_token"]?.stringValue)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        let header = try JSONParser.parse(try #require(Base64URL.decode(parts[0])))
        #expect(header["alg"]?.stringValue == "HS256")
        #expect(header["typ"]?.stringValue == "JWT")
        let claims = try #require(TokenSigner.claims(of: token))
        #expect(claims["tid"]?.stringValue == e.emulator.config.tenantID)
        #expect(claims["aud"]?.stringValue == Self.base)
        #expect(claims["appid"]?.stringValue == "44444444-4444-4444-4444-444444444444")
        #expect(claims["iss"]?.stringValue == Self.base + "/\(e.emulator.config.tenantID)/v2.0")
        #expect(claims["oid"]?.stringValue?.count == 36)
        #expect(claims["sub"] == claims["oid"])
        let iat = try #require(claims["iat"]?.intValue)
        #expect(claims["exp"]?.intValue == iat + 86_399)
        #expect(abs(Double(iat) - Timestamp.wallClock().seconds) < 60)
        // The signature is HMAC-SHA256 over "header.claims" under the data directory's secret.
        let signer = e.emulator.identity.signer
        let input = Array(token[..<token.lastIndex(of: ".")!].utf8)
        #expect(Base64URL.encode(signer.mac(input)) == String(parts[2]))
        #expect(signer.rejection(of: token, now: iat) == nil)
    }

    @Test func azScopeWithADoubleSlashNamesTheRootAsAudience() throws {
        let e = try TestEmulator()
        let token = try #require(clientToken(e, scope: Self.base + "//.default").json["access_token"]?.stringValue)
        #expect(TokenSigner.claims(of: token)?["aud"]?.stringValue == Self.base + "/")
    }

    @Test func hmacIsSHA256() {
        // RFC 4231 test case 2.
        let signer = TokenSigner(secret: Array("Jefe".utf8))
        #expect(
            Hex.encode(signer.mac(Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Base64URL.decode("_-8") == [0xFF, 0xEF])
        #expect(Base64URL.encode([0xFF, 0xEF]) == "_-8")
        #expect(Base64URL.decode("a=") == nil)
    }

    @Test func tokenEndpointRefusesWhatEntraRefuses() throws {
        let e = try TestEmulator()
        func post(_ form: String) -> Reply {
            e.call(.post, "/t/oauth2/v2.0/token", api: nil, rawBody: Array(form.utf8), auth: false)
        }
        let password = post("grant_type=password&client_id=a&username=u&password=p&scope=x%2F.default")
        #expect(password.status == 400)
        #expect(password.json["error"]?.stringValue == "unsupported_grant_type")
        let noSecret = post("grant_type=client_credentials&client_id=a&scope=x%2F.default")
        #expect(noSecret.status == 401)
        #expect(noSecret.json["error"]?.stringValue == "invalid_client")
        let noScope = post("grant_type=client_credentials&client_id=a&client_secret=s")
        #expect(noScope.status == 400)
        #expect(noScope.json["error"]?.stringValue == "invalid_scope")
        #expect(post("client_id=a").json["error_codes"]?.arrayValue?.first?.intValue == 900_144)
        #expect(e.call(.get, "/t/oauth2/v2.0/token", api: nil, auth: false).status == 405)
    }

    @Test func v1TokenEndpointTakesAResource() throws {
        let e = try TestEmulator()
        let form = "grant_type=client_credentials&client_id=a&client_secret=s&resource=https%3A%2F%2Fx%2F"
        let r = e.call(.post, "/t/oauth2/token", api: nil, rawBody: Array(form.utf8), auth: false)
        #expect(r.status == 200)
        #expect(r.json["resource"]?.stringValue == "https://x/")
        let token = try #require(r.json["access_token"]?.stringValue)
        #expect(TokenSigner.claims(of: token)?["aud"]?.stringValue == "https://x/")
    }

    // MARK: Managed identity

    @Test func imdsNeedsTheMetadataHeaderAndAnswersStrings() throws {
        let e = try TestEmulator()
        let path = "/metadata/identity/oauth2/token?resource=\(URLComponentsParser.percentEncode(Self.base + "/"))"
        let refused = e.call(.get, path, api: "2018-02-01", auth: false)
        #expect(refused.status == 400)
        #expect(refused.json["error_description"]?.stringValue == "Required metadata header not specified")
        let r = e.call(.get, path, api: "2018-02-01", headers: [("Metadata", "true")], auth: false)
        #expect(r.status == 200)
        #expect(r.json["token_type"]?.stringValue == "Bearer")
        #expect(r.json["expires_in"]?.stringValue == "86399")
        #expect(r.json["resource"]?.stringValue == Self.base + "/")
        let expiresOn = try #require(r.json["expires_on"]?.stringValue.flatMap { Int64($0) })
        #expect(expiresOn > Int64(Timestamp.wallClock().seconds))
        let token = try #require(r.json["access_token"]?.stringValue)
        #expect(TokenSigner.claims(of: token)?["tid"]?.stringValue == e.emulator.config.tenantID)
        #expect(TokenSigner.claims(of: token)?["aud"]?.stringValue == Self.base + "/")
        let noResource = e.call(
            .get, "/metadata/identity/oauth2/token", api: "2018-02-01", headers: [("Metadata", "true")], auth: false)
        #expect(noResource.status == 400)
    }

    @Test func appServiceNeedsTheIdentityHeaderAndAnswersExpiresOn() throws {
        let e = try TestEmulator()
        let path = "/msi/token?resource=\(URLComponentsParser.percentEncode(Self.base + "/"))"
        #expect(e.call(.get, path, api: "2019-08-01", auth: false).status == 400)
        let r = e.call(.get, path, api: "2019-08-01", headers: [("X-IDENTITY-HEADER", "x")], auth: false)
        #expect(r.status == 200)
        #expect(r.json["expires_on"]?.stringValue.flatMap { Int64($0) } != nil)
        #expect(r.json["expires_in"]?.intValue == 86_399)
        #expect(r.json["access_token"]?.stringValue?.split(separator: ".").count == 3)
        let user = e.call(
            .get, path + "&client_id=abc", api: "2019-08-01", headers: [("X-IDENTITY-HEADER", "x")], auth: false)
        let claims = TokenSigner.claims(of: user.json["access_token"]?.stringValue ?? "")
        #expect(claims?["appid"]?.stringValue == "abc")
    }

    // MARK: Strict auth

    @Test func strictModeAcceptsOnlyUnexpiredTokensRpemuIssued() throws {
        let e = try TestEmulator { $0.auth = .strict }
        func subscriptions(_ token: String?) -> Reply {
            e.call(
                .get, "/subscriptions", api: "2022-12-01",
                headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [],
                auth: false)
        }
        let token = try #require(clientToken(e).json["access_token"]?.stringValue)
        #expect(subscriptions(token).status == 200)

        let garbage = subscriptions("test-token")
        #expect(garbage.status == 401)
        #expect(garbage.errorCode == "InvalidAuthenticationToken")
        #expect(garbage.json["error"]?["message"]?.stringValue?.contains("not a JSON Web Token") == true)
        #expect(garbage.headers["WWW-Authenticate"]?.contains("invalid_token") == true)

        // Same claims, signed with another key.
        let forger = TokenSigner(secret: [UInt8](repeating: 7, count: 32))
        let claims = TokenSigner.Claims(
            audience: Self.base, issuer: "x", tenant: "t", clientID: "c", objectID: "o",
            issuedAt: Int64(Timestamp.wallClock().seconds))
        let forged = subscriptions(forger.token(for: claims))
        #expect(forged.status == 401)
        #expect(forged.json["error"]?["message"]?.stringValue?.contains("signature") == true)

        // A tampered claim breaks the signature too.
        var parts = token.split(separator: ".").map(String.init)
        var payload = try #require(TokenSigner.claims(of: token)?.objectValue)
        payload["tid"] = "someone-else"
        parts[1] = Base64URL.encode(JSON.object(payload).serialized())
        #expect(subscriptions(parts.joined(separator: ".")).status == 401)

        // Signed by rpemu, but a day and more ago.
        var old = claims
        old.issuedAt -= 2 * TokenSigner.lifetime
        let expired = subscriptions(e.emulator.identity.signer.token(for: old))
        #expect(expired.status == 401)
        #expect(expired.errorCode == "InvalidAuthenticationToken")
        #expect(expired.json["error"]?["message"]?.stringValue?.contains("expired") == true)

        // The emulated clock does not age tokens: they live on the wall clock.
        try e.advance(seconds: 3 * 86_400)
        #expect(subscriptions(token).status == 200)

        let missing = subscriptions(nil)
        #expect(missing.status == 401)
        #expect(missing.errorCode == "AuthenticationFailed")
        // The identity plane itself needs no token.
        #expect(e.call(.get, "/metadata/endpoints", api: "2022-09-01", auth: false).status == 200)
    }

    @Test func managedIdentityTokensPassStrictMode() throws {
        let e = try TestEmulator { $0.auth = .strict }
        let r = e.call(
            .get, "/msi/token?resource=x", api: "2019-08-01", headers: [("X-IDENTITY-HEADER", "x")], auth: false)
        let token = try #require(r.json["access_token"]?.stringValue)
        let ok = e.call(
            .get, "/subscriptions", api: "2022-12-01", headers: [("Authorization", "Bearer \(token)")], auth: false)
        #expect(ok.status == 200)
    }

    @Test func anyModeStillTakesAnyToken() throws {
        let e = try TestEmulator()
        #expect(e.call(.get, "/subscriptions", api: "2022-12-01").status == 200)
    }

    @Test func strictWithoutAValidatorRefusesEverything() throws {
        let request = HTTPRequest(
            method: .get, target: "/subscriptions", headers: HTTPHeaders([("Authorization", "Bearer x")]))
        #expect(throws: ARMError.self) { try BearerAuthenticator(mode: .strict).check(request, baseURL: "https://h") }
        #expect(throws: Never.self) {
            try BearerAuthenticator(mode: .strict, validate: { _ in nil }).check(request, baseURL: "https://h")
        }
    }

    @Test func authFlagTakesStrict() throws {
        guard case .serve(let c) = try EmulatorCommand.parse(["serve", "--auth", "STRICT"], environment: [:]) else {
            Issue.record("not a serve command")
            return
        }
        #expect(c.auth == .strict)
    }

    @Test func theSigningSecretLivesInTheDataDirectory() throws {
        let dir = "/tmp/rpemu-identity-\(GUID.make())"
        defer { try? removeTree(dir) }
        func open() throws -> Emulator {
            var config = EmulatorConfig()
            config.dataDirectory = dir
            config.httpPort = .off
            config.httpsPort = .off
            config.auth = .strict
            return try Emulator(config: config, logger: .silent)
        }
        let first = try open()
        let secret = first.identity.signer.secret
        #expect(secret.count == 32)
        let token = first.identity.signer.token(
            for: TokenSigner.Claims(
                audience: "a", issuer: "i", tenant: "t", clientID: "c", objectID: "o",
                issuedAt: Int64(Timestamp.wallClock().seconds)))
        first.stop()
        let second = try open()
        defer { second.stop() }
        #expect(second.identity.signer.secret == secret)
        #expect(second.identity.signer.rejection(of: token, now: Int64(Timestamp.wallClock().seconds)) == nil)
        // In memory: a fresh secret per process.
        let a = try TestEmulator()
        let b = try TestEmulator()
        #expect(a.emulator.identity.signer.secret != b.emulator.identity.signer.secret)
    }
}
