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
        h.add("Retry-After", formatSeconds(retryAfter))
        return h
    }

    /// `1` for whole seconds, `0.5` otherwise: clients parse `Retry-After` as float seconds (clients.md §3).
    public static func formatSeconds(_ s: Double) -> String {
        s.rounded() == s ? String(Int(s)) : String(s)
    }
}
