import ARMKit
import EmuCore
import EmuHTTP

#if canImport(Glibc)
import Glibc
#endif

/// The one `HTTPResponder` of the process: `/_emulator/...` goes to the control plane, the identity plane's paths
/// (`/metadata/...`, `/{tenant}/oauth2/...`, `/msi/token`) to `IdentityPlane`, everything else to the ARM pipeline
/// (CONTRACT.md §1). Writes one access-log line per request.
struct EmulatorResponder: HTTPResponder {
    let arm: ARMPipeline
    let controlPlane: ControlPlane
    let identity: IdentityPlane
    /// Told of every request, so that it releases memory only once they stop.
    let idle: IdleMemoryRelease
    let logger: Logger

    func respond(to request: HTTPRequest) -> HTTPResponse {
        let started = Self.monotonicNanoseconds()
        idle.noteRequest()
        var response: HTTPResponse
        if request.pathSegments.first == "_emulator", let r = controlPlane.handle(request) {
            response = r
            response.headers.set("Cache-Control", "no-cache")
        } else if let r = identity.handle(request) {
            response = r
        } else {
            response = arm.handle(request)
        }
        let elapsed = Double(Self.monotonicNanoseconds() - started) / 1_000_000
        if logger.enabled(.info) {
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
        return response
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
