import EmuCore
import EmuHTTP

/// Wraps a resolved route's handler (the app's fault injection, CONTRACT.md §8.4): it gets the route, the request
/// and the handler to call, and may answer, throw or hold the response back (`ARMResponse.holdBack`) instead. It
/// runs after auth, routing and the api-version check, so only requests that would be served reach it.
public typealias ARMInterceptor =
    @Sendable (ARMRoute, ARMRequest, () throws(ARMError) -> ARMResponse) throws(ARMError) -> ARMResponse

/// Turns an HTTP request on an ARM path into a response: auth → route → api-version → handler, then the headers
/// every ARM response carries (CONTRACT.md §2, §7). The single place an `ARMError` becomes a response.
public struct ARMPipeline: Sendable {
    public let router: ARMRouter
    public let authenticator: BearerAuthenticator
    public let versions: APIVersionPolicy
    public let logger: Logger
    /// The emulated now, for `x-ms-emulator-now` (CONTRACT.md §8).
    public let emulatedNow: @Sendable () -> Timestamp
    /// Wraps every handler call when set.
    public let intercept: ARMInterceptor?

    public init(
        router: ARMRouter, authenticator: BearerAuthenticator, versions: APIVersionPolicy, logger: Logger,
        emulatedNow: @escaping @Sendable () -> Timestamp, intercept: ARMInterceptor? = nil
    ) {
        self.router = router
        self.authenticator = authenticator
        self.versions = versions
        self.logger = logger
        self.emulatedNow = emulatedNow
        self.intercept = intercept
    }

    public func handle(_ http: HTTPRequest) -> HTTPResponse {
        let requestID = GUID.makeID()
        let correlationID = http.headers["x-ms-correlation-request-id"].flatMap { $0.isEmpty ? nil : $0 } ?? requestID
        let baseURL = ARMRequest.baseURL(for: http)
        var served: ServedAPIVersion?
        let result: Result<ARMResponse, ARMError>
        do throws(ARMError) {
            try authenticator.check(http, baseURL: baseURL)
            let (route, captures) = try router.resolve(http.method, http.pathSegments)
            let version = try versions.resolve(http.queryValue("api-version"), family: route.family)
            served = version
            if version.isSubstituted {
                logger.warn(
                    "api-version \(version.requested) is newer than the newest known for \(route.family.name); "
                        + "serving \(version.served) (request \(requestID))")
            }
            let request = ARMRequest(
                http: http, parameters: captures, requestID: requestID, correlationID: correlationID,
                apiVersion: version, baseURL: baseURL)
            if let intercept {
                result = .success(try intercept(route, request) { () throws(ARMError) in try route.handler(request) })
            } else {
                result = .success(try route.handler(request))
            }
        } catch {
            result = .failure(error)
        }
        var response: HTTPResponse
        switch result {
        case .success(let r):
            response = r.httpResponse
        case .failure(let e):
            response = Self.render(e)
        }
        if let served, served.isSubstituted { response.headers.set("x-ms-emulator-served-api-version", served.served) }
        addStandardHeaders(&response, requestID: requestID, correlationID: correlationID, secure: http.isSecure)
        return response
    }

    /// The response for an error: its status, the envelope, its extra headers.
    public static func render(_ e: ARMError) -> HTTPResponse { ARMResponse(error: e).httpResponse }

    /// `x-ms-request-id`, `x-ms-correlation-request-id`, no-cache headers and `x-ms-emulator-now`
    /// (reference/arm-spec.md §5 "Headers on every response").
    public func addStandardHeaders(_ r: inout HTTPResponse, requestID: String, correlationID: String, secure: Bool) {
        r.headers.set("x-ms-request-id", requestID)
        r.headers.set("x-ms-correlation-request-id", correlationID)
        r.headers.set("Cache-Control", "no-cache")
        r.headers.set("Pragma", "no-cache")
        r.headers.set("Expires", "-1")
        r.headers.set("X-Content-Type-Options", "nosniff")
        if secure { r.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains") }
        r.headers.set("x-ms-emulator-now", emulatedNow().iso8601)
    }
}
