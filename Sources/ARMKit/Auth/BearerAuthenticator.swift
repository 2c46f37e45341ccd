import EmuHTTP

/// Bearer-token checks on ARM routes (CONTRACT.md §7). `any`: an `Authorization: Bearer <token>` header is
/// required, any token passes; `off`: nothing is checked. Token validation (`strict`) arrives with the identity
/// plane.
public struct BearerAuthenticator: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case any
        case off
    }

    public var mode: Mode

    public init(mode: Mode) { self.mode = mode }

    public func check(_ request: HTTPRequest, baseURL: String) throws(ARMError) {
        guard mode != .off else { return }
        guard let header = request.headers["Authorization"] else {
            throw failure(
                "Authentication failed. The 'Authorization' header is missing.",
                description: "The authentication failed because of missing 'Authorization' header.", baseURL: baseURL)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].trimmingSpaces.isEmpty else {
            throw failure(
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                description: "The authentication failed because of an invalid 'Authorization' header format.",
                baseURL: baseURL)
        }
    }

    private func failure(_ message: String, description: String, baseURL: String) -> ARMError {
        ARMError(
            status: 401, code: "AuthenticationFailed", message: message,
            headers: [
                "WWW-Authenticate":
                    "Bearer authorization_uri=\"\(baseURL)/\", error=\"invalid_token\", error_description=\"\(description)\""
            ])
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
