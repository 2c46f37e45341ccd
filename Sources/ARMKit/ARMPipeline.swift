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

    /// A request that passed auth, routing and the api-version check, ready for its handler (`run`). Made by
    /// `prepare`, so that the caller can choose the thread the handler runs on.
    public struct Call: Sendable {
        public let route: ARMRoute
        public let request: ARMRequest
        let served: ServedAPIVersion

        /// Whether the handler may change state (every method but GET and HEAD).
        public var changesState: Bool { request.http.method != .get && request.http.method != .head }
    }

    /// What `prepare` found: a call to run, or the finished answer (an auth, routing or api-version error).
    public enum Preparation: Sendable {
        case call(Call)
        case answered(HTTPResponse)
    }

    /// Auth → route → api-version and the substitution warning; the handler is not called.
    public func prepare(_ http: HTTPRequest) -> Preparation {
        let requestID = GUID.makeID()
        let correlationID = http.headers["x-ms-correlation-request-id"].flatMap { $0.isEmpty ? nil : $0 } ?? requestID
        let baseURL = ARMRequest.baseURL(for: http)
        do throws(ARMError) {
            try authenticator.check(http, baseURL: baseURL)
            let (route, captures) = try router.resolve(http.method, http.pathSegments)
            let version = try versions.resolve(http.queryValue("api-version"), family: route.family)
            if version.isSubstituted {
                logger.warn(
                    "api-version \(version.requested) is newer than the newest known for \(route.family.name); "
                        + "serving \(version.served) (request \(requestID))")
            }
            let request = ARMRequest(
                http: http, parameters: captures, requestID: requestID, correlationID: correlationID,
                apiVersion: version, baseURL: baseURL)
            return .call(Call(route: route, request: request, served: version))
        } catch {
            var response = Self.render(error)
            addStandardHeaders(&response, requestID: requestID, correlationID: correlationID, secure: http.isSecure)
            return .answered(response)
        }
    }

    /// Calls the prepared call's handler (through the interceptor) and finishes its response.
    public func run(_ call: Call) -> HTTPResponse {
        let result: Result<ARMResponse, ARMError>
        do throws(ARMError) {
            if let intercept {
                let route = call.route
                result = .success(
                    try intercept(route, call.request) { () throws(ARMError) in try route.handler(call.request) })
            } else {
                result = .success(try call.route.handler(call.request))
            }
        } catch {
            result = .failure(error)
        }
        return finish(call, result)
    }

    /// The response to `call` for `result`: the error envelope for a failure, and the headers every ARM response
    /// carries. Also for a failure found after the handler ran (a write batch that did not commit).
    public func finish(_ call: Call, _ result: Result<ARMResponse, ARMError>) -> HTTPResponse {
        var response: HTTPResponse
        switch result {
        case .success(let r):
            response = r.httpResponse
        case .failure(let e):
            response = Self.render(e)
        }
        if call.served.isSubstituted { response.headers.set("x-ms-emulator-served-api-version", call.served.served) }
        addStandardHeaders(
            &response, requestID: call.request.requestID, correlationID: call.request.correlationID,
            secure: call.request.http.isSecure)
        return response
    }

    /// `prepare` then `run`: the whole request on the calling thread.
    public func handle(_ http: HTTPRequest) -> HTTPResponse {
        switch prepare(http) {
        case .call(let call): run(call)
        case .answered(let response): response
        }
    }

    /// The response for an error: its status, the envelope, its extra headers.
    public static func render(_ e: ARMError) -> HTTPResponse { ARMResponse(error: e).httpResponse }

    /// `x-ms-request-id`, `x-ms-correlation-request-id`, no-cache headers and `x-ms-emulator-now`
    /// (reference/arm-spec.md §5 "Headers on every response").
    public func addStandardHeaders(_ r: inout HTTPResponse, requestID: String, correlationID: String, secure: Bool) {
        // One literal with every field, HSTS taken out again over HTTP: appending to a shorter literal grew it.
        var standard: [(name: String, value: String)] = [
            ("x-ms-request-id", requestID), ("x-ms-correlation-request-id", correlationID),
            ("Cache-Control", "no-cache"), ("Pragma", "no-cache"), ("Expires", "-1"),
            ("X-Content-Type-Options", "nosniff"),
            ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
            ("x-ms-emulator-now", emulatedNow().iso8601),
        ]
        if !secure { standard.remove(at: 6) }
        r.headers.set(standard)
    }
}
