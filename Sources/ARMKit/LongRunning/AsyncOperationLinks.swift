import EmuHTTP

/// The headers that start a long-running operation (CONTRACT.md §3): `Azure-AsyncOperation`, `Location` (the
/// same URL with `&monitor=true`) and `Retry-After`. Real Azure sends `Location` only on DELETE; the emulator
/// sends both everywhere, a superset both real clients accept (reference/clients.md §3).
public enum AsyncOperationLinks {
    /// `{base}/subscriptions/{sub}/providers/Microsoft.Compute/locations/{loc}/operations/{id}?api-version={v}`.
    public static func statusURL(
        baseURL: String, subscription: String, location: String, operationID: String, apiVersion: String
    ) -> String {
        "\(baseURL)/subscriptions/\(subscription)/providers/Microsoft.Compute/locations/"
            + "\(URLComponentsParser.percentEncode(location))/operations/\(operationID)?api-version=\(apiVersion)"
    }

    public static func headers(
        baseURL: String, subscription: String, location: String, operationID: String, apiVersion: String,
        retryAfter: Double
    ) -> HTTPHeaders {
        let status = statusURL(
            baseURL: baseURL, subscription: subscription, location: location, operationID: operationID,
            apiVersion: apiVersion)
        var h = HTTPHeaders()
        h.add("Azure-AsyncOperation", status)
        h.add("Location", status + "&monitor=true")
        addRetryAfter(retryAfter, to: &h)
        return h
    }

    /// The poll delay: `Retry-After: N` for whole seconds; for a fraction, `retry-after-ms` alone. `Retry-After` is
    /// whole seconds (RFC 9110 §10.2.3), and azure-mgmt-compute 39 parses it with `int()` on start responses: a
    /// `Retry-After: 0.2` there makes the SDK raise `ValueError`. azure-core (the SDK, az) reads `retry-after-ms`
    /// when `Retry-After` is absent, so fractions still shorten the polls.
    public static func addRetryAfter(_ seconds: Double, to h: inout HTTPHeaders) {
        if seconds.rounded() == seconds {
            h.set("Retry-After", String(Int(seconds)))
        } else {
            h.set("retry-after-ms", String(max(1, Int((seconds * 1000).rounded()))))
        }
    }

    /// `1` for whole seconds, `0.5` otherwise (logs and the config document).
    public static func formatSeconds(_ s: Double) -> String {
        s.rounded() == s ? String(Int(s)) : String(s)
    }
}
