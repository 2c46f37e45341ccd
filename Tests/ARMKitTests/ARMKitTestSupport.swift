import ARMKit
import EmuCore
import EmuHTTP

/// Builders shared by the ARMKit suites.
enum Fixture {
    /// 2026-04-24T10:48:18.0086391+00:00, the instant the CONTRACT.md §3 example prints.
    static let now = Timestamp(ticks: 17_770_276_980_086_391)

    static let subscription = "00000000-0000-0000-0000-000000000001"

    /// An HTTP request as a client sends it: a bearer token and a `Host` unless told otherwise.
    static func http(
        _ method: HTTPMethod = .get, _ target: String, headers: [(String, String)]? = nil, body: String = "",
        secure: Bool = true
    ) -> HTTPRequest {
        let defaultHeaders = [("Host", "127.0.0.1:8443"), ("Authorization", "Bearer eyJ0eXAiOiJKV1QifQ.e30.sig")]
        return HTTPRequest(
            method: method, target: target, headers: HTTPHeaders(headers ?? defaultHeaders), body: Array(body.utf8),
            isSecure: secure)
    }

    /// An `ARMRequest` for handler-level code (paging, bodies) without going through a pipeline.
    static func armRequest(
        _ method: HTTPMethod = .get, _ target: String, body: String = "", host: String = "127.0.0.1:8443",
        secure: Bool = true, apiVersion: String = "2024-11-01"
    ) -> ARMRequest {
        let http = HTTPRequest(
            method: method, target: target, headers: HTTPHeaders([("Host", host)]), body: Array(body.utf8),
            isSecure: secure)
        return ARMRequest(
            http: http, parameters: RouteCaptures(), requestID: "11111111-2222-4333-8444-555555555555",
            correlationID: "11111111-2222-4333-8444-555555555555",
            apiVersion: ServedAPIVersion(requested: apiVersion, served: apiVersion),
            baseURL: ARMRequest.baseURL(for: http))
    }

    /// A handler that answers 200 with what it saw: route captures, the served version and the request id.
    static func echo(_ label: String) -> ARMHandler {
        { r throws(ARMError) in
            var captures = JSONObject()
            for (k, v) in r.parameters.sorted(by: { $0.name < $1.name }) { captures[k] = .string(v) }
            let o: JSON = [
                "route": .string(label), "captures": .object(captures), "requested": .string(r.apiVersion.requested),
                "served": .string(r.apiVersion.served), "requestID": .string(r.requestID),
                "correlationID": .string(r.correlationID), "baseURL": .string(r.baseURL),
                "expand": r.http.queryValue("$expand").map(JSON.string) ?? .null,
            ]
            return ARMResponse(status: 200, body: o)
        }
    }

    /// The router used by the pipeline suites: one route per api-version family, overlapping templates.
    static func router() -> ARMRouter {
        var router = ARMRouter(unmatchedHint: "See /_emulator/routes.")
        let rg = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
        let cp = rg + "/providers/Microsoft.Compute"
        router.add(.get, rg, family: .any, echo("rg.get"))
        router.add(.put, rg, family: .any, echo("rg.put"))
        router.add(.delete, rg, family: .any, echo("rg.delete"))
        router.add(.get, cp + "/restorePointCollections/{rpc}", family: .compute, echo("rpc.get"))
        router.add(.put, cp + "/restorePointCollections/{rpc}", family: .compute, echo("rpc.put"))
        router.add(.get, cp + "/disks/{disk}", family: .disk, echo("disk.get"))
        router.add(
            .get, "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/operations/{id}",
            family: .computeOrDisk, echo("operation.get"))
        router.add(
            .get, "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/restorePointCollections",
            family: .compute, echo("rpc.listAll"))
        router.add(.get, "/subscriptions/{subscriptionId}/{a}/{b}/{c}", family: .any, echo("catchAll"))
        router.add(.post, "/subscriptions/{subscriptionId}/{a}/{b}/{c}", family: .any, echo("catchAll.post"))
        router.add(.get, rg + "/fail", family: .any) { _ throws(ARMError) in
            throw ARMError.invalidParameter("The value 'x' is not valid.", target: "properties.x")
        }
        router.add(.post, cp + "/restorePointCollections/{rpc}/fail", family: .compute) { _ throws(ARMError) in
            throw ARMError.operationNotAllowed("Not now.")
        }
        router.add(.get, rg + "/nobody", family: .any) { _ throws(ARMError) in
            var headers = HTTPHeaders()
            headers.add("ETag", "\"1\"")
            return ARMResponse(status: 204, headers: headers)
        }
        return router
    }

    static func pipeline(
        router: ARMRouter = Fixture.router(), auth: BearerAuthenticator.Mode = .any, strict: Bool = false
    ) -> ARMPipeline {
        ARMPipeline(
            router: router, authenticator: BearerAuthenticator(mode: auth), versions: APIVersionPolicy(strict: strict),
            logger: .silent, emulatedNow: { Fixture.now })
    }

    /// The RG path of the router fixture.
    static let rgPath = "/subscriptions/\(subscription)/resourceGroups/rg1"
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON; a test fails on a body that is not JSON.
    func json() throws -> JSON { try JSONParser.parse(body) }
}

/// The api-version lists of CONTRACT.md §2, copied by hand so that a change to the code shows up here.
enum Contract {
    static let computeVersions = [
        "2020-06-01", "2020-12-01", "2021-03-01", "2021-04-01", "2021-07-01", "2021-11-01", "2022-03-01", "2022-08-01",
        "2022-11-01", "2023-03-01", "2023-07-01", "2023-09-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-04-01",
        "2025-11-01", "2026-04-01",
    ]
    static let diskVersions = [
        "2020-12-01", "2021-04-01", "2021-08-01", "2021-12-01", "2022-03-02", "2022-07-02", "2023-01-02", "2023-04-02",
        "2023-10-02", "2024-03-02", "2025-01-02", "2026-03-02",
    ]
    /// Both lists, oldest first, each version once.
    static let computeOrDiskVersions = Array(Set(computeVersions + diskVersions)).sorted()
}

/// True for Azure's lower-case 8-4-4-4-12 GUID form.
func isGUID(_ s: String) -> Bool {
    let b = Array(s.utf8)
    guard b.count == 36 else { return false }
    for (i, c) in b.enumerated() {
        if [8, 13, 18, 23].contains(i) {
            guard c == UInt8(ascii: "-") else { return false }
        } else {
            guard (c >= 48 && c <= 57) || (c >= 97 && c <= 102) else { return false }
        }
    }
    return true
}

/// The ARM error envelope rendered exactly as CONTRACT.md §7 spells it.
func envelope(_ code: String, _ message: String, target: String? = nil) -> String {
    let t = target.map { ",\"target\":" + JSON.string($0).text } ?? ""
    return "{\"error\":{\"code\":\(JSON.string(code).text),\"message\":\(JSON.string(message).text)\(t)}}"
}
