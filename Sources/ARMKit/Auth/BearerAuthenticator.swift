import EmuHTTP

/// Bearer-token checks on ARM routes (CONTRACT.md §7). `any`: an `Authorization: Bearer <token>` header is
/// required, any token passes; `strict`: the token must also pass `validate` (the application decides what a good
/// token is; rpemu's identity plane accepts only unexpired tokens it issued); `off`: nothing is checked.
public struct BearerAuthenticator: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case any
        case strict
        case off
    }

    /// nil when the token is good, else why not (it ends the 401's message).
    public typealias TokenValidator = @Sendable (_ token: String) -> String?

    public var mode: Mode
    public var validate: TokenValidator?

    /// `validate` is used in `strict` mode only; `strict` without one refuses every token.
    public init(mode: Mode, validate: TokenValidator? = nil) {
        self.mode = mode
        self.validate = validate
    }

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
        guard mode == .strict else { return }
        let reason: String?
        if let validate {
            reason = validate(String(parts[1].trimmingSpaces))
        } else {
            reason = "no token validator is configured for strict mode"
        }
        if let reason {
            throw failure(
                "The access token is invalid: \(reason).", description: "The access token is invalid.",
                baseURL: baseURL, code: "InvalidAuthenticationToken")
        }
    }

    private func failure(
        _ message: String, description: String, baseURL: String, code: String = "AuthenticationFailed"
    ) -> ARMError {
        ARMError(
            status: 401, code: code, message: message,
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
