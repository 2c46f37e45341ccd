import ARMKit
import EmuCore
import EmuHTTP
import EmulatorStore
import RestorePointEngine
import Synchronization

/// The emulator's own routes under `/_emulator` (CONTRACT.md §8): JSON in, JSON out, no auth.
/// Errors use the ARM envelope so one client-side error reader serves both planes.
struct ControlPlane: Sendable {
    typealias Handler = @Sendable (HTTPRequest, RouteCaptures) throws(ARMError) -> ARMResponse

    private struct Route: Sendable {
        let method: HTTPMethod
        let pattern: RoutePattern
        let handler: Handler
    }

    private var routes: [Route] = []
    private var introspection: Introspection?

    private mutating func add(_ method: HTTPMethod, _ template: String, _ handler: @escaping Handler) {
        routes.append(Route(method: method, pattern: RoutePattern("/_emulator" + template), handler: handler))
    }

    init(app: AppContext, lifecycle: Lifecycle) {
        let seeder = Seeder(app: app)
        introspection = Introspection(app: app)
        add(.get, "/health") { _, _ throws(ARMError) in
            ARMResponse(status: 200, body: ["status": "healthy", "now": .string(app.clock.now().iso8601)])
        }
        add(.get, "/ready") { _, _ throws(ARMError) in
            let ready = lifecycle.isReady
            return ARMResponse(status: ready ? 200 : 503, body: ["ready": .bool(ready)])
        }
        add(.get, "/config") { _, _ throws(ARMError) in
            ARMResponse(status: 200, body: app.config.json(caCertificate: lifecycle.caCertificatePath))
        }
        let clock = ClockControl(app: app)
        add(.get, "/clock") { _, _ throws(ARMError) in clock.read() }
        add(.post, "/clock") { request, _ throws(ARMError) in try clock.move(ARMRequest.parseBody(request.body)) }
        add(.post, "/reset") { _, _ throws(ARMError) in
            // Kept: the emulated clock (time never moves backwards, CONTRACT.md §8.1, also across a later restart)
            // and the token-signing secret (tokens clients hold stay valid).
            try app.db.write { tx throws(ARMError) in
                let signingKey = try app.store(tx.meta(TokenSigner.metaKey))
                try app.store(tx.deleteAll())
                try app.store(tx.save(clock: app.clock.value))
                if let signingKey { try app.store(tx.setMeta(TokenSigner.metaKey, signingKey)) }
                app.faults.forgetAll()
                try SubscriptionService(app: app).register(tx, app.config.defaultSubscription)
            }
            app.logger.info("control plane: reset, every resource, operation, subscription and fault rule removed")
            return ARMResponse(status: 200, body: ["reset": true])
        }
        add(.delete, "/subscriptions/{subscriptionId}") { _, p throws(ARMError) in
            let sub = p["subscriptionId"] ?? ""
            let existed = try app.db.write { tx throws(ARMError) in
                try app.store(tx.deleteSubscription(id: sub.lowercased()))
            }
            app.logger.info("control plane: subscription \(sub) removed (existed: \(existed))")
            return ARMResponse(status: 200, body: ["subscriptionId": .string(sub), "deleted": .bool(existed)])
        }
        add(.post, "/seed") { request, _ throws(ARMError) in
            let body = try ARMRequest.parseBody(request.body)
            return ARMResponse(status: 200, body: try seeder.apply(body.object))
        }
        let faults = FaultControl(app: app)
        add(.post, "/faults") { request, _ throws(ARMError) in try faults.add(request) }
        add(.get, "/faults") { _, _ throws(ARMError) in faults.list() }
        add(.delete, "/faults") { _, _ throws(ARMError) in try faults.remove(id: nil) }
        add(.delete, "/faults/{id}") { _, p throws(ARMError) in try faults.remove(id: p["id"]) }
        add(.get, "/tls/ca.pem") { _, _ throws(ARMError) in
            guard let path = lifecycle.caCertificatePath, let pem = FileBytes.read(path) else {
                throw ARMError(
                    status: 404, code: "NotFound",
                    message:
                        "No CA certificate: HTTPS is off, or --tls-cert/--tls-key brought a certificate rpemu did not issue."
                )
            }
            var headers = HTTPHeaders()
            headers.add("Content-Type", "application/x-pem-file")
            return ARMResponse(status: 200, headers: headers, rawBody: pem)
        }
    }

    /// `/_emulator/resources/{armId}[/timeline]` and `/_emulator/disks/{armId}/writes`: an ARM id of any depth;
    /// `/_emulator/sas/{token}/{drp}.vhd`: the disk image a grant's SAS names (`SASBlobServer`).
    private func handleByID(_ request: HTTPRequest) -> HTTPResponse? {
        let s = request.pathSegments
        guard s.count > 2, let introspection else { return nil }
        do throws(ARMError) {
            switch (s[1], request.method) {
            case ("sas", .get) where s.count == 4, ("sas", .head) where s.count == 4:
                return SASBlobServer(app: introspection.app).serve(request, token: s[2], blob: s[3])
            case ("resources", .get) where s.last == "timeline":
                return try introspection.timeline("/" + s[2..<(s.count - 1)].joined(separator: "/")).httpResponse
            case ("resources", .get):
                return try introspection.resource("/" + s[2...].joined(separator: "/")).httpResponse
            case ("disks", .post) where s.last == "writes":
                let body = try ARMRequest.parseBody(request.body)
                return try introspection.writes("/" + s[2..<(s.count - 1)].joined(separator: "/"), body: body)
                    .httpResponse
            default:
                return nil
            }
        } catch {
            return ARMPipeline.render(error)
        }
    }

    /// The response, or nil when no control-plane route has this path.
    func handle(_ request: HTTPRequest) -> HTTPResponse? {
        if let r = handleByID(request) { return r }
        var pathMatched: [HTTPMethod] = []
        for route in routes {
            guard let m = route.pattern.match(request.pathSegments) else { continue }
            guard route.method == request.method || (request.method == .head && route.method == .get) else {
                pathMatched.append(route.method)
                continue
            }
            do throws(ARMError) {
                return try route.handler(request, m.captures).httpResponse
            } catch {
                return ARMPipeline.render(error)
            }
        }
        if !pathMatched.isEmpty {
            let allowed = pathMatched.map(\.rawValue).joined(separator: ", ")
            return ARMPipeline.render(
                ARMError(
                    status: 405, code: "MethodNotAllowed",
                    message:
                        "The HTTP method '\(request.method)' is not supported for '\(request.path)'. Supported methods: \(allowed).",
                    headers: ["Allow": allowed]))
        }
        return nil
    }
}
