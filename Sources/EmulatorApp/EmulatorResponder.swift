import ARMKit
import EmuCore
import EmuHTTP
import EmulatorStore

#if canImport(Glibc)
import Glibc
#endif

/// The one `HTTPResponder` of the process: `/_emulator/...` goes to the control plane, the identity plane's paths
/// (`/metadata/...`, `/{tenant}/oauth2/...`, `/msi/token`) to `IdentityPlane`, everything else to the ARM pipeline
/// (CONTRACT.md §1). ARM and control-plane requests that change state run on the `WriteQueue`, in batches. Writes
/// one access-log line per request.
struct EmulatorResponder: HTTPResponder {
    let arm: ARMPipeline
    let controlPlane: ControlPlane
    let identity: IdentityPlane
    /// Runs the ARM requests that change state.
    let writes: WriteQueue
    /// Where a batch's store failure becomes an ARM error.
    let db: Database
    /// Told of every request, so that it releases memory only once they stop.
    let idle: IdleMemoryRelease
    let logger: Logger

    /// Serves the whole request on the calling thread (in-process callers).
    func respond(to request: HTTPRequest) -> HTTPResponse {
        let started = Self.monotonicNanoseconds()
        idle.noteRequest()
        let response = respond(routed: request)
        log(request, response, since: started)
        return response
    }

    /// Serves a request for the server: an ARM or control-plane request that changes state goes to the write queue
    /// and is answered from there once its batch commits; anything else is answered now, on the event loop.
    func answer(_ request: HTTPRequest) -> HTTPAnswer {
        let started = Self.monotonicNanoseconds()
        idle.noteRequest()
        // `/_emulator` writes (reset, seed, clock moves, faults, disk writes) are routed on the queue too: a reset of
        // a large store would otherwise hold its loop.
        if request.pathSegments.first == "_emulator" && !Self.isRead(request.method) {
            return later(
                request, since: started, run: { [self] in respond(routed: request) },
                failed: { [db] error in Self.controlPlaneFailure(db.failure(error)) })
        }
        switch route(request) {
        case .answered(let response):
            log(request, response, since: started)
            return .now(response)
        case .call(let call) where !call.changesState:
            let response = arm.run(call)
            log(request, response, since: started)
            return .now(response)
        case .call(let call):
            return later(
                request, since: started, run: { [arm] in arm.run(call) },
                failed: { [arm, db] error in arm.finish(call, .failure(db.failure(error))) })
        }
    }

    /// Hands `run` to the write queue; the answer comes from there.
    private func later(
        _ request: HTTPRequest, since started: Int64, run: @escaping @Sendable () -> HTTPResponse,
        failed: @escaping @Sendable (StoreError) -> HTTPResponse
    ) -> HTTPAnswer {
        let pending = HTTPPendingResponse()
        writes.submit(
            WriteQueue.Job(
                run: run, failed: failed,
                answered: { [self] response in log(request, response, since: started) }, pending: pending))
        return .later(pending)
    }

    /// The whole request, routed and answered on the calling thread.
    private func respond(routed request: HTTPRequest) -> HTTPResponse {
        switch route(request) {
        case .answered(let response): response
        case .call(let call): arm.run(call)
        }
    }

    /// GET and HEAD only read (RFC 9110 §9.2.1, safe methods).
    private static func isRead(_ method: HTTPMethod) -> Bool { method == .get || method == .head }

    /// A control-plane write whose batch did not commit: the ARM envelope, as the control plane answers errors.
    private static func controlPlaneFailure(_ error: ARMError) -> HTTPResponse {
        var response = ARMPipeline.render(error)
        response.headers.set("Cache-Control", "no-cache")
        return response
    }

    /// The control plane, the identity plane, or a prepared ARM call.
    private func route(_ request: HTTPRequest) -> ARMPipeline.Preparation {
        if request.pathSegments.first == "_emulator", var response = controlPlane.handle(request) {
            response.headers.set("Cache-Control", "no-cache")
            return .answered(response)
        }
        if let response = identity.handle(request) { return .answered(response) }
        return arm.prepare(request)
    }

    private func log(_ request: HTTPRequest, _ response: HTTPResponse, since started: Int64) {
        if logger.enabled(.info) {
            let elapsed = Double(Self.monotonicNanoseconds() - started) / 1_000_000
            let id = response.headers["x-ms-request-id"] ?? "-"
            logger.info(
                "\(request.method) \(request.target) \(response.status) \(Self.format(elapsed))ms req=\(id)"
                    + (request.isSecure ? " tls" : ""))
        }
        if logger.enabled(.debug) {
            if !request.body.isEmpty { logger.debug("request body: \(String(decoding: request.body, as: UTF8.self))") }
            if !response.body.isEmpty, response.headers["Content-Type"]?.hasPrefix("application/json") == true {
                logger.debug("response body: \(String(decoding: response.body, as: UTF8.self))")
            }
        }
    }

    static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func format(_ ms: Double) -> String {
        let hundredths = Int((ms * 100).rounded())
        let frac = hundredths % 100
        return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
