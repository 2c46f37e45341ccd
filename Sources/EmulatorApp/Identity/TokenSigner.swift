import COpenSSL
import EmuCore

/// Issues and checks the identity plane's access tokens (CONTRACT.md §1): JWTs signed HS256 with a 32-byte secret
/// kept in the store's meta table (one per data directory; per process for `--in-memory`).
///
/// Expiry is judged on the real wall clock, not the emulated one: a token's life is a matter between the client
/// and its token cache, which know nothing of `POST /_emulator/clock` (docs/configuration.md, `--auth strict`).
struct TokenSigner: Sendable {
    /// Seconds a token lives (`expires_in`, as Entra ID answers).
    static let lifetime: Int64 = 86_399
    /// The meta key of the secret, hex.
    static let metaKey = "identity.signingKey"

    let secret: [UInt8]

    init(secret: [UInt8]) { self.secret = secret }

    /// 32 bytes from OpenSSL's CSPRNG.
    static func randomSecret() -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 32)
        guard RAND_bytes(&bytes, 32) == 1 else { return nil }
        return bytes
    }

    /// What a token says about its holder.
    struct Claims: Sendable {
        var audience: String
        var issuer: String
        var tenant: String
        var clientID: String
        var objectID: String
        var issuedAt: Int64
        var expiresAt: Int64 { issuedAt + TokenSigner.lifetime }
    }

    /// A signed JWT: `{"alg":"HS256","typ":"JWT"}` . claims . HMAC-SHA256, each part base64url without padding.
    func token(for c: Claims) -> String {
        let header: JSON = ["alg": "HS256", "typ": "JWT"]
        let payload: JSON = [
            "aud": .string(c.audience), "iss": .string(c.issuer), "iat": .int(c.issuedAt), "nbf": .int(c.issuedAt),
            "exp": .int(c.expiresAt), "appid": .string(c.clientID), "azp": .string(c.clientID), "idtyp": "app",
            "oid": .string(c.objectID), "sub": .string(c.objectID), "tid": .string(c.tenant), "ver": "1.0",
        ]
        let signingInput = Base64URL.encode(header.serialized()) + "." + Base64URL.encode(payload.serialized())
        return signingInput + "." + Base64URL.encode(mac(Array(signingInput.utf8)))
    }

    /// nil when `token` is one this signer issued and it has not expired at `now` (epoch seconds, wall clock);
    /// otherwise why not, in words for a 401 message.
    func rejection(of token: String, now: Int64) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]),
            let payloadBytes = Base64URL.decode(parts[1]), let signature = Base64URL.decode(parts[2]),
            let header = try? JSONParser.parse(headerBytes), let payload = try? JSONParser.parse(payloadBytes)
        else { return "it is not a JSON Web Token (three base64url parts: header, claims, signature)" }
        guard header["alg"]?.stringValue == "HS256" else {
            return "its algorithm '\(header["alg"]?.stringValue ?? "none")' is not the HS256 rpemu signs with"
        }
        let expected = mac(Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8))
        guard signature.count == expected.count,
            CRYPTO_memcmp(signature, expected, expected.count) == 0
        else {
            return "its signature does not match: rpemu did not issue it (or issued it with another data directory)"
        }
        guard let exp = payload["exp"]?.intValue else { return "it has no 'exp' claim" }
        guard exp > now else {
            return "it expired at \(Timestamp(seconds: Double(exp)).iso8601) (wall clock), before now "
                + "\(Timestamp(seconds: Double(now)).iso8601); ask the identity plane for a new one"
        }
        return nil
    }

    /// The claims of a token, without checking it (tests, diagnostics).
    static func claims(of token: String) -> JSON? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let bytes = Base64URL.decode(parts[1]) else { return nil }
        return try? JSONParser.parse(bytes)
    }

    /// HMAC-SHA256 of `data` under the secret, through OpenSSL.
    func mac(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = secret.withUnsafeBytes { key in
            data.withUnsafeBytes { d in
                HMAC(
                    EVP_sha256(), key.baseAddress, Int32(key.count), d.bindMemory(to: UInt8.self).baseAddress,
                    d.count, &out, &length) != nil
            }
        }
        precondition(ok, "OpenSSL HMAC-SHA256 failed")
        return Array(out.prefix(Int(length)))
    }

    /// A stable GUID-shaped object id for a client id: the same client is the same principal in one data directory.
    func objectID(for clientID: String) -> String {
        let h = mac(Array("oid:\(clientID)".utf8))
        let hex = Hex.encode(Array(h.prefix(16)))
        let b = Array(hex.utf8)
        func part(_ r: Range<Int>) -> String { String(decoding: b[r], as: UTF8.self) }
        return [part(0..<8), part(8..<12), part(12..<16), part(16..<20), part(20..<32)].joined(separator: "-")
    }
}

/// base64url without padding (RFC 4648 §5; RFC 7515 §2).
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v = UInt32(bytes[i]) << 16
            if n > 1 { v |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { v |= UInt32(bytes[i + 2]) }
            for k in 0..<(n + 1) { out.append(alphabet[Int((v >> (18 - 6 * UInt32(k))) & 0x3F)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes, or nil for characters outside the alphabet, padding, or an impossible length.
    static func decode(_ text: Substring) -> [UInt8]? {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            let v = values[Int(c)]
            guard v >= 0 else { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        guard bits < 6 else { return nil }
        return out
    }
}

/// Lower-case hex.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let b = Array(text.utf8)
        guard b.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            guard let h = value(b[i]), let l = value(b[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}
