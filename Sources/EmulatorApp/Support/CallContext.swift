import ARMKit
import EmuCore

/// Who is calling a resource operation: the request id (which names an operation it starts), the api-version
/// it is served with and the base URL for links. HTTP handlers make one from the request; in-process callers
/// (the seeder, later template deployments) make one with `inProcess`.
public struct CallContext: Sendable {
    public var requestID: String
    public var apiVersion: ServedAPIVersion
    public var baseURL: String

    public init(requestID: String, apiVersion: ServedAPIVersion, baseURL: String) {
        self.requestID = requestID
        self.apiVersion = apiVersion
        self.baseURL = baseURL
    }

    init(_ request: ARMRequest) {
        self.init(requestID: request.requestID, apiVersion: request.apiVersion, baseURL: request.baseURL)
    }

    /// A call from inside the process at api-version `version`.
    public static func inProcess(apiVersion version: String, baseURL: String = "http://localhost") -> CallContext {
        CallContext(
            requestID: GUID.make(), apiVersion: ServedAPIVersion(requested: version, served: version), baseURL: baseURL)
    }
}
