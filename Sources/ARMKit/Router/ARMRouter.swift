import EmuCore
import EmuHTTP

/// What a handler returns: a status, an optional JSON body and extra headers. `ARMPipeline` adds the ARM
/// headers every response carries.
public struct ARMResponse: Sendable {
    public var status: Int
    public var body: JSON? { didSet { serializedBody = nil } }
    public var headers: HTTPHeaders
    /// `body` already serialized by its producer (a restore point render kept between reads); `httpResponse`
    /// sends these bytes instead of serializing `body` again. Changing `body` drops them.
    public private(set) var serializedBody: [UInt8]?
    /// Bytes sent as they are instead of a JSON body (a PEM file, a disk image range); `headers` name their type.
    public var rawBody: [UInt8]?
    /// A body written as it is produced instead of `body` or `rawBody` (an answer too large to hold in memory);
    /// `headers` name its type.
    public var stream: (any HTTPBodyStream)?
    /// How long the server waits before writing the response, without blocking (`HTTPResponse.holdBack`).
    public var holdBack: Duration

    public init(
        status: Int, body: JSON? = nil, headers: HTTPHeaders = HTTPHeaders(), rawBody: [UInt8]? = nil,
        stream: (any HTTPBodyStream)? = nil, holdBack: Duration = .zero
    ) {
        self.status = status
        self.body = body
        self.headers = headers
        self.rawBody = rawBody
        self.stream = stream
        self.holdBack = holdBack
    }

    /// The response for an error: its status, the envelope (CONTRACT.md §7), its extra headers.
    public init(error e: ARMError) {
        var headers = HTTPHeaders()
        for (k, v) in e.headers.sorted(by: { $0.key < $1.key }) { headers.add(k, v) }
        headers.set("Content-Type", "application/json; charset=utf-8")
        self.init(status: e.status, headers: headers, rawBody: e.envelope.serialized())
    }

    /// A JSON answer whose serialization the producer holds: `serialized` must be `body.serialized()`.
    public init(status: Int, body: JSON, serialized: [UInt8]) {
        self.init(status: status, body: body)
        serializedBody = serialized
    }

    /// The HTTP response: a JSON body is serialized and typed `application/json; charset=utf-8`.
    public var httpResponse: HTTPResponse {
        var r: HTTPResponse
        if let stream {
            r = HTTPResponse(status: status, headers: headers, stream: stream)
        } else if let rawBody {
            r = HTTPResponse(status: status, headers: headers, body: rawBody)
        } else {
            r = HTTPResponse(status: status, headers: headers, body: serializedBody ?? body?.serialized() ?? [])
            if body != nil { r.headers.set("Content-Type", "application/json; charset=utf-8") }
        }
        r.holdBack = holdBack
        return r
    }
}

/// A request handler: synchronous, called on the connection's event loop (docs/architecture.md "HTTP server").
public typealias ARMHandler = @Sendable (ARMRequest) throws(ARMError) -> ARMResponse

/// One method on one path template, with the api-versions it accepts.
public struct ARMRoute: Sendable {
    public let method: HTTPMethod
    public let pattern: RoutePattern
    public let family: APIVersionFamily
    let handler: ARMHandler
}

/// Finds the route for a method and a path. The most specific match wins (most literal segments), so
/// `/subscriptions/{s}/providers/...` never reads as a resource group called `providers`.
public struct ARMRouter: Sendable {
    public private(set) var routes: [ARMRoute] = []
    /// The indices in `routes` of the patterns with each number of segments: only those can match a path of that
    /// length, so a request tries a handful of routes instead of all of them.
    private var bySegmentCount: [[Int]] = []
    /// Appended to the 404 message for an unknown route: what the emulator does serve.
    public var unmatchedHint: String

    public init(unmatchedHint: String = "") { self.unmatchedHint = unmatchedHint }

    public mutating func add(
        _ method: HTTPMethod, _ template: String, family: APIVersionFamily, _ handler: @escaping ARMHandler
    ) {
        let pattern = RoutePattern(template)
        let count = pattern.segments.count
        if bySegmentCount.count <= count {
            bySegmentCount += Array(repeating: [], count: count + 1 - bySegmentCount.count)
        }
        bySegmentCount[count].append(routes.count)
        routes.append(ARMRoute(method: method, pattern: pattern, family: family, handler: handler))
    }

    /// The route and its captures, or the ARM error for an unknown path (404) or method (405).
    /// `HEAD` falls back to the `GET` route when no `HEAD` route exists (RFC 9110 §9.3.2).
    public func resolve(_ method: HTTPMethod, _ path: [String]) throws(ARMError) -> (ARMRoute, RouteCaptures) {
        // Indices, not copies of the routes; the captures are built for the winner only.
        var best: (index: Int, literals: Int)?
        var bestPattern: Int?
        var bestPatternLiterals = -1
        let candidates = path.count < bySegmentCount.count ? bySegmentCount[path.count] : []
        for index in candidates {
            // Read in place: a copy of the route (its handler and pattern) would cost retains per candidate.
            guard let literals = routes[index].pattern.matchedLiterals(path) else { continue }
            if literals > bestPatternLiterals {
                bestPattern = index
                bestPatternLiterals = literals
            }
            let routeMethod = routes[index].method
            let methodMatches = routeMethod == method || (method == .head && routeMethod == .get)
            guard methodMatches else { continue }
            // More literals win; at equal literals an exact method beats HEAD's GET fallback; otherwise the
            // first registered route keeps its place (for GET and HEAD alike).
            if let b = best,
                b.literals > literals
                    || (b.literals == literals && (routes[b.index].method == method || routeMethod != method))
            {
                continue
            }
            best = (index, literals)
        }
        if let best, best.literals == bestPatternLiterals {
            let route = routes[best.index]
            return (route, route.pattern.captures(path))
        }
        if let bestPattern = bestPattern.map({ routes[$0].pattern }) {
            let allowed = routes.filter { $0.pattern == bestPattern }.map(\.method.rawValue)
            throw ARMError(
                status: 405, code: "MethodNotAllowed",
                message: "The HTTP method '\(method)' is not supported for '\(bestPattern)'. "
                    + "Supported methods: \(allowed.joined(separator: ", ")).",
                headers: ["Allow": allowed.joined(separator: ", ")])
        }
        let shown = "/" + path.joined(separator: "/")
        throw ARMError(
            status: 404, code: "NoRegisteredProviderFound",
            message:
                "No registered resource provider found for '\(method) \(shown)'.\(unmatchedHint.isEmpty ? "" : " " + unmatchedHint)"
        )
    }
}
