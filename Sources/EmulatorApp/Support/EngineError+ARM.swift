import ARMKit
import RestorePointEngine

extension ARMError {
    /// The one mapping from engine refusals to ARM errors (DESIGN.md "one error type per layer").
    init(_ e: EngineError) {
        switch e {
        case .invalidParameter(let message, let target):
            self = .invalidParameter(message, target: target)
        case .locationRequired:
            self = ARMError(
                status: 400, code: "LocationRequired", message: "The location property is required for this definition."
            )
        case .propertyChangeNotAllowed(let property):
            self = ARMError(
                status: 400, code: "PropertyChangeNotAllowed",
                message: "Changing property '\(property)' is not allowed.",
                target: property)
        case .operationNotAllowed(let message):
            self = .operationNotAllowed(message)
        case .limitReached(let code, let message):
            self = ARMError(status: 409, code: code, message: message)
        case .refused(let status, let code, let message):
            self = ARMError(status: status, code: code, message: message)
        case .throttled(let message, let seconds):
            self = ARMError(
                status: 429, code: "TooManyRequests", message: message, headers: ["Retry-After": String(seconds)])
        }
    }
}

/// Runs engine code, mapping its error.
func engine<T>(_ body: () throws(EngineError) -> T) throws(ARMError) -> T {
    do { return try body() } catch { throw ARMError(error) }
}
