import ARMKit
import EmuCore
import EmuHTTP
import EmulatorStore

/// The fake identity plane (CONTRACT.md §1, reference/clients.md §2, §4): cloud metadata, OpenID discovery, the
/// Entra token endpoint and the two managed-identity token endpoints, so that `az login` and azure-identity
/// credentials work against rpemu. No auth; any client id and secret are accepted; tokens are JWTs rpemu signs
/// (`TokenSigner`), which `--auth strict` then demands on ARM routes.
struct IdentityPlane: Sendable {
    let signer: TokenSigner
    let tenant: String
    let logger: Logger

    /// Loads the signing secret from the store's meta table, or makes and stores one on first start.
    init(app: AppContext) throws(EmulatorStartError) {
        do throws(ARMError) {
            let secret = try app.db.write { tx throws(ARMError) -> [UInt8] in
                if let hex = try app.store(tx.meta(TokenSigner.metaKey)), let s = Hex.decode(hex), s.count == 32 {
                    return s
                }
                guard let s = TokenSigner.randomSecret() else {
                    throw ARMError(
                        status: 500, code: "InternalServerError", message: "OpenSSL's RAND_bytes gave no bytes.")
                }
                try app.store(tx.setMeta(TokenSigner.metaKey, Hex.encode(s)))
                return s
            }
            signer = TokenSigner(secret: secret)
        } catch {
            throw EmulatorStartError(message: "Cannot set up the identity plane's signing key: \(error.message)")
        }
        tenant = app.config.tenantID
        logger = app.logger
    }

    /// For `BearerAuthenticator`'s `strict` mode: nil when rpemu issued the token and it is unexpired (wall clock).
    var validator: BearerAuthenticator.TokenValidator {
        { [signer] token in signer.rejection(of: token, now: Int64(Timestamp.wallClock().seconds)) }
    }

    /// The response, or nil when the path is not an identity-plane path.
    func handle(_ request: HTTPRequest) -> HTTPResponse? {
        guard let (method, endpoint) = Self.route(request.pathSegments) else { return nil }
        guard request.method == method || (request.method == .head && method == .get) else {
            return ARMPipeline.render(
                ARMError(
                    status: 405, code: "MethodNotAllowed",
                    message:
                        "The HTTP method '\(request.method)' is not supported for '\(request.path)'. Supported methods: \(method).",
                    headers: ["Allow": method.rawValue]))
        }
        let base = ARMRequest.baseURL(for: request)
        var response: HTTPResponse
        do throws(IdentityError) {
            if let version = request.queryValue("api-version") {
                do { _ = try APIVersionPolicy().resolve(version, family: .any) } catch {
                    throw IdentityError(
                        400, "invalid_request",
                        "The api-version '\(version)' is invalid: a date YYYY-MM-DD[-preview] is expected.")
                }
            }
            response = try respond(endpoint, request, base: base)
        } catch {
            logger.debug("identity plane: \(request.method) \(request.path) → \(error.status) \(error.code)")
            response = error.response
        }
        response.headers.set("Cache-Control", "no-store, no-cache")
        response.headers.set("Pragma", "no-cache")
        response.headers.set("x-ms-request-id", GUID.make())
        return response
    }

    enum Endpoint {
        case metadata, openID(tenant: String), token(tenant: String, v1: Bool), imds, appService
    }

    /// Which endpoint a path names. `//metadata/endpoints` has its empty segment dropped by the parser already.
    static func route(_ s: [String]) -> (HTTPMethod, Endpoint)? {
        func eq(_ a: String, _ b: String) -> Bool { a.lowercased() == b }
        switch s.count {
        case 2 where eq(s[0], "metadata") && eq(s[1], "endpoints"): return (.get, .metadata)
        case 2 where eq(s[0], "msi") && eq(s[1], "token"): return (.get, .appService)
        case 3 where eq(s[1], ".well-known") && eq(s[2], "openid-configuration"): return (.get, .openID(tenant: s[0]))
        case 3 where eq(s[1], "oauth2") && eq(s[2], "token"): return (.post, .token(tenant: s[0], v1: true))
        case 4 where eq(s[0], "metadata") && eq(s[1], "identity") && eq(s[2], "oauth2") && eq(s[3], "token"):
            return (.get, .imds)
        case 4 where eq(s[1], "v2.0") && eq(s[2], ".well-known") && eq(s[3], "openid-configuration"):
            return (.get, .openID(tenant: s[0]))
        case 4 where eq(s[1], "oauth2") && eq(s[2], "v2.0") && eq(s[3], "token"):
            return (.post, .token(tenant: s[0], v1: false))
        default: return nil
        }
    }

    private func respond(_ endpoint: Endpoint, _ request: HTTPRequest, base: String) throws(IdentityError)
        -> HTTPResponse
    {
        switch endpoint {
        case .metadata:
            // az's `ARM_CLOUD_METADATA_URL` (api-version 2019-05-01, or none) reads a list of clouds;
            // `az cloud register` (2022-09-01) and every other date read one (reference/clients.md §2.1, §4).
            let version = request.queryValue("api-version")
            let cloud = Self.cloud(base: base)
            return json(200, version == nil || version == "2019-05-01" ? .array([cloud]) : cloud)
        case .openID(let t):
            return json(200, Self.openIDConfiguration(base: base, tenant: t))
        case .token(_, let v1):
            return try tokenEndpoint(request, base: base, v1: v1)
        case .imds:
            guard request.headers["Metadata"]?.lowercased() == "true" else {
                throw IdentityError(400, "invalid_request", "Required metadata header not specified")
            }
            return try managedIdentityToken(request, base: base, numbersAsStrings: true)
        case .appService:
            guard let h = request.headers["X-IDENTITY-HEADER"] ?? request.headers["secret"], !h.isEmpty else {
                throw IdentityError(
                    400, "invalid_request",
                    "The X-IDENTITY-HEADER header is required (any value: set IDENTITY_HEADER for the client).")
            }
            return try managedIdentityToken(request, base: base, numbersAsStrings: false)
        }
    }

    // MARK: Tokens

    /// `POST /{tenant}/oauth2/v2.0/token` (scope) and `/{tenant}/oauth2/token` (v1: resource), client credentials.
    private func tokenEndpoint(_ request: HTTPRequest, base: String, v1: Bool) throws(IdentityError) -> HTTPResponse {
        let form = Self.form(request.body)
        func field(_ name: String) -> String? {
            form.first { $0.name == name }.flatMap { $0.value.isEmpty ? nil : $0.value }
        }
        guard let grant = field("grant_type") else {
            throw IdentityError(
                400, "invalid_request",
                "AADSTS900144: The request body must contain the following parameter: 'grant_type'.",
                aadCode: 900_144)
        }
        guard grant == "client_credentials" else {
            throw IdentityError(
                400, "unsupported_grant_type",
                "AADSTS70003: The app requested an unsupported grant type '\(grant)'. rpemu's identity plane issues "
                    + "tokens for client_credentials only: log in as a service principal (docs/clients.md).",
                aadCode: 70003)
        }
        guard let clientID = field("client_id") else {
            throw IdentityError(
                400, "invalid_request",
                "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
                aadCode: 900_144)
        }
        guard field("client_secret") != nil || field("client_assertion") != nil else {
            throw IdentityError(
                401, "invalid_client",
                "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the "
                    + "'client_credentials' grant type.", aadCode: 7_000_216)
        }
        let audience: String
        if v1 {
            guard let resource = field("resource") else {
                throw IdentityError(
                    400, "invalid_request",
                    "AADSTS900144: The request body must contain the following parameter: 'resource'.",
                    aadCode: 900_144)
            }
            audience = resource
        } else {
            let scopes = (field("scope") ?? "").split(separator: " ").map(String.init)
                .filter { !["openid", "profile", "offline_access", "email"].contains($0) }
            guard let scope = scopes.first else {
                throw IdentityError(
                    400, "invalid_scope",
                    "AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a "
                        + "scope value with /.default suffixed to the resource identifier (application ID URI).",
                    aadCode: 1_002_012)
            }
            audience = Self.audience(ofScope: scope)
        }
        let now = Int64(Timestamp.wallClock().seconds)
        let token = issue(audience: audience, clientID: clientID, base: base, now: now)
        var body: JSONObject = [
            "token_type": "Bearer", "expires_in": .int(TokenSigner.lifetime),
            "ext_expires_in": .int(TokenSigner.lifetime),
            "access_token": .string(token),
        ]
        if v1 {
            body["expires_on"] = .string(String(now + TokenSigner.lifetime))
            body["not_before"] = .string(String(now))
            body["resource"] = .string(audience)
        }
        return json(200, .object(body))
    }

    /// IMDS (`numbersAsStrings`, as IMDS answers) and App Service managed-identity tokens.
    private func managedIdentityToken(_ request: HTTPRequest, base: String, numbersAsStrings: Bool)
        throws(IdentityError) -> HTTPResponse
    {
        guard let resource = request.queryValue("resource").flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw IdentityError(400, "invalid_request", "Required audience parameter not specified")
        }
        let clientID =
            ["client_id", "object_id", "principal_id", "mi_res_id", "msi_res_id"].lazy
            .compactMap { request.queryValue($0).flatMap { $0.isEmpty ? nil : $0 } }.first
            ?? "system-assigned-identity"
        let now = Int64(Timestamp.wallClock().seconds)
        let token = issue(audience: resource, clientID: clientID, base: base, now: now)
        func number(_ n: Int64) -> JSON { numbersAsStrings ? .string(String(n)) : .int(n) }
        return json(
            200,
            [
                "access_token": .string(token), "client_id": .string(signer.objectID(for: "client:" + clientID)),
                "expires_in": number(TokenSigner.lifetime), "expires_on": .string(String(now + TokenSigner.lifetime)),
                "ext_expires_in": number(TokenSigner.lifetime), "not_before": .string(String(now)),
                "resource": .string(resource), "token_type": "Bearer",
            ])
    }

    private func issue(audience: String, clientID: String, base: String, now: Int64) -> String {
        signer.token(
            for: TokenSigner.Claims(
                audience: audience, issuer: "\(base)/\(tenant)/v2.0", tenant: tenant, clientID: clientID,
                objectID: signer.objectID(for: clientID), issuedAt: now))
    }

    /// The resource a `.default` scope names: `https://h:1/.default` → `https://h:1`; az's
    /// `https://h:1//.default` → `https://h:1/`.
    static func audience(ofScope scope: String) -> String {
        scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
    }

    /// An `application/x-www-form-urlencoded` body: `+` is a space, then percent-decoding.
    static func form(_ body: [UInt8]) -> [(name: String, value: String)] {
        let text = String(decoding: body.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        return URLComponentsParser.queryItems(Substring(text))
    }

    // MARK: Documents

    /// One cloud of `GET /metadata/endpoints` (reference/clients.md §4): every endpoint that matters is rpemu.
    static func cloud(base: String) -> JSON {
        let root = base + "/"
        return [
            "name": "rpemu",
            "portal": .string(base),
            "resourceManager": .string(root),
            "authentication": [
                "loginEndpoint": .string(root), "audiences": [.string(root)], "tenant": "common",
                "identityProvider": "AAD",
            ],
            "graph": .string(root), "graphAudience": .string(root), "microsoftGraphResourceId": .string(root),
            "media": .string(base), "batch": .string(root), "sqlManagement": .string(root),
            "activeDirectoryDataLake": .string(root), "appInsightsResourceId": .string(base),
            "appInsightsTelemetryChannelResourceId": .string(base + "/v2/track"),
            "attestationResourceId": .string(base), "synapseAnalyticsResourceId": .string(base),
            "logAnalyticsResourceId": .string(base), "ossrDbmsResourceId": .string(base),
            "suffixes": [
                "storage": "core.windows.net", "keyVaultDns": "vault.azure.net",
                "sqlServerHostname": "database.windows.net",
                "acrLoginServer": "azurecr.io", "mhsmDns": "managedhsm.azure.net",
                "azureDataLakeStoreFileSystem": "azuredatalakestore.net",
                "azureDataLakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net",
                "azureFrontDoorEndpointSuffix": "azurefd.net", "storageSyncEndpointSuffix": "afs.azure.net",
                "mysqlServerEndpoint": "mysql.database.azure.com",
                "postgresqlServerEndpoint": "postgres.database.azure.com",
                "mariadbServerEndpoint": "mariadb.database.azure.com", "synapseAnalytics": "dev.azuresynapse.net",
                "attestationEndpoint": "attest.azure.net",
            ],
        ]
    }

    /// `GET /{tenant}/v2.0/.well-known/openid-configuration`: MSAL needs `authorization_endpoint` and
    /// `token_endpoint` under the tenant (reference/clients.md §4).
    static func openIDConfiguration(base: String, tenant: String) -> JSON {
        let t = base + "/" + URLComponentsParser.percentEncode(tenant)
        return [
            "issuer": .string(t + "/v2.0"),
            "authorization_endpoint": .string(t + "/oauth2/v2.0/authorize"),
            "token_endpoint": .string(t + "/oauth2/v2.0/token"),
            "device_authorization_endpoint": .string(t + "/oauth2/v2.0/devicecode"),
            "end_session_endpoint": .string(t + "/oauth2/v2.0/logout"),
            "jwks_uri": .string(t + "/discovery/v2.0/keys"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic", "private_key_jwt"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "request_uri_parameter_supported": false,
            "tenant_region_scope": "NA",
            "cloud_instance_name": "rpemu",
        ]
    }

    private func json(_ status: Int, _ body: JSON) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json; charset=utf-8")
        return HTTPResponse(status: status, headers: headers, body: body.serialized())
    }
}

/// An OAuth 2.0 error as Entra ID and the managed-identity endpoints answer it (RFC 6749 §5.2):
/// `{"error":"invalid_request","error_description":"AADSTS…","error_codes":[…]}`.
struct IdentityError: Error {
    let status: Int
    let code: String
    let description: String
    let aadCode: Int?

    init(_ status: Int, _ code: String, _ description: String, aadCode: Int? = nil) {
        self.status = status
        self.code = code
        self.description = description
        self.aadCode = aadCode
    }

    var response: HTTPResponse {
        var o: JSONObject = ["error": .string(code), "error_description": .string(description)]
        if let aadCode { o["error_codes"] = [.int(Int64(aadCode))] }
        o["timestamp"] = .string(Timestamp.wallClock().iso8601)
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json; charset=utf-8")
        return HTTPResponse(status: status, headers: headers, body: JSON.object(o).serialized())
    }
}
