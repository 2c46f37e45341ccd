/// Why the engine refused a command. A closed domain enum (typed throws); the app maps it to an ARM error once.
public enum EngineError: Error, Sendable, Equatable {
    /// A value is missing or wrong: 400 `InvalidParameter` with the property path as `target`.
    case invalidParameter(message: String, target: String)
    /// A required top-level property is missing (`location` → `LocationRequired`).
    case locationRequired
    /// A create-only property changed on update: 400 `PropertyChangeNotAllowed` (CONTRACT.md §4.2).
    case propertyChangeNotAllowed(property: String)
    /// The request is valid but the current state forbids it: 409 `OperationNotAllowed`.
    case operationNotAllowed(message: String)
    /// A limit was reached: 409 with its own code.
    case limitReached(code: String, message: String)
    /// A rule refused the request with its own status and code (CONTRACT.md §7 rules 1–11).
    case refused(status: Int, code: String, message: String)
    /// Too many requests: 429 with `Retry-After` (CONTRACT.md §7, optional throttling).
    case throttled(message: String, retryAfterSeconds: Int)
}
