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
        guard let token = Self.bearerToken(header) else {
            throw failure(
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                description: "The authentication failed because of an invalid 'Authorization' header format.",
                baseURL: baseURL)
        }
        guard mode == .strict else { return }
        let reason: String?
        if let validate {
            reason = validate(String(token))
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

extension BearerAuthenticator {
    /// The token of `Bearer <token>` (scheme case-insensitive, RFC 9110 §11.1; spaces around the token dropped),
    /// or nil when the header is not that. Works on UTF-8 bytes: it runs on every request.
    static func bearerToken(_ header: String) -> Substring? {
        let bytes = header.utf8
        let space = UInt8(ascii: " ")
        guard let end = bytes.firstIndex(of: space) else { return nil }
        var scheme = bytes[..<end].makeIterator()
        for expected in "bearer".utf8 {
            // ASCII letters only: setting bit 5 lower-cases them.
            guard let byte = scheme.next(), byte | 0x20 == expected else { return nil }
        }
        guard scheme.next() == nil else { return nil }
        var rest = bytes[end...]
        while rest.first == space { rest = rest.dropFirst() }
        while rest.last == space { rest = rest.dropLast() }
        guard !rest.isEmpty else { return nil }
        return header[rest.startIndex..<rest.endIndex]
    }
}
