import EmuCore
import EmuHTTP

/// An ARM error: an HTTP status and the `{"error":{code,message,target,details}}` envelope (CONTRACT.md §7).
///
/// The one error type of the ARM layer: handlers throw it, and `ARMPipeline` renders it exactly once.
public struct ARMError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    public var target: String?
    public var details: [ARMError]
    /// Extra response headers (`WWW-Authenticate` on 401, `Retry-After` on 429).
    public var headers: [String: String]

    public init(
        status: Int, code: String, message: String, target: String? = nil, details: [ARMError] = [],
        headers: [String: String] = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details
        self.headers = headers
    }

    /// The `error` object (no status): also the `error` member of a failed operation's status.
    public var errorObject: JSON {
        var o = JSONObject()
        o["code"] = .string(code)
        o["message"] = .string(message)
        if let target { o["target"] = .string(target) }
        if !details.isEmpty { o["details"] = .array(details.map(\.errorObject)) }
        return .object(o)
    }

    /// The whole envelope.
    public var envelope: JSON { ["error": errorObject] }
}

extension ARMError {
    /// CONTRACT.md §2: api-version missing.
    public static let missingAPIVersion = ARMError(
        status: 400, code: "MissingApiVersionParameter",
        message: "The api-version query parameter (?api-version=) is required for all requests.")

    public static func invalidAPIVersion(_ version: String, supported: [String]) -> ARMError {
        ARMError(
            status: 400, code: "InvalidApiVersionParameter",
            message:
                "The api-version '\(version)' is invalid. The supported versions are '\(supported.joined(separator: ","))'."
        )
    }

    public static func resourceGroupNotFound(_ name: String) -> ARMError {
        ARMError(status: 404, code: "ResourceGroupNotFound", message: "Resource group '\(name)' could not be found.")
    }

    /// CONTRACT.md §7: `type` is the provider-qualified type path without the namespace's children separators,
    /// e.g. `Microsoft.Compute/restorePointCollections/rpc1/restorePoints` + name.
    public static func resourceNotFound(type: String, name: String, resourceGroup: String) -> ARMError {
        ARMError(
            status: 404, code: "ResourceNotFound",
            message: "The Resource '\(type)/\(name)' under resource group '\(resourceGroup)' was not found. "
                + "For more details please go to https://aka.ms/ARMResourceNotFoundFix")
    }

    public static func invalidRequestContent(_ detail: String) -> ARMError {
        ARMError(
            status: 400, code: "InvalidRequestContent",
            message: "The request content was invalid and could not be deserialized: '\(detail)'.")
    }

    public static func invalidParameter(_ message: String, target: String) -> ARMError {
        ARMError(status: 400, code: "InvalidParameter", message: message, target: target)
    }

    public static func invalidResourceName(_ name: String, type: String) -> ARMError {
        ARMError(
            status: 400, code: "InvalidResourceName",
            message: "The resource name '\(name)' is invalid for type '\(type)'. It must be 1 to 80 characters, "
                + "must not contain any of <>%&:\\?/#* or control characters, and must not end with '.' or a space.")
    }

    public static func operationNotAllowed(_ message: String, status: Int = 409) -> ARMError {
        ARMError(status: status, code: "OperationNotAllowed", message: message)
    }

    public static func internalError(requestID: String) -> ARMError {
        ARMError(
            status: 500, code: "InternalServerError",
            message: "The emulator hit an unexpected error; see its log for request id \(requestID).")
    }
}
