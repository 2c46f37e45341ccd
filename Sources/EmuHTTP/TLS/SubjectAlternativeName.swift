import COpenSSL

/// One subjectAltName entry of the server certificate (RFC 5280 §4.2.1.6): an IP address or a DNS name.
///
/// Clients check the host of the URL against these: an IP literal only against iPAddress entries and a name only
/// against dNSName entries (RFC 6125 §6.2.1, RFC 9110 §4.3.4), so `https://127.0.0.1` needs `IP:127.0.0.1`.
enum SubjectAlternativeName: Hashable, Sendable {
    case ipAddress(String)
    case dnsName(String)

    /// The names every generated server certificate carries (clients.md §0.2).
    static let defaults: [SubjectAlternativeName] = [.ipAddress("127.0.0.1"), .dnsName("localhost")]

    /// Classifies a hostname as given on a command line: an IPv4 or IPv6 literal (brackets allowed) or a DNS
    /// name (lower-cased, trailing dot dropped; a leading `*.` label is kept as a wildcard).
    init(hostname: String) throws(TLSError) {
        var host = hostname
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // a2i_IPADDRESS(3) parses exactly the IPv4 dotted-quad and IPv6 forms the certificate can hold.
        if let octets = a2i_IPADDRESS(host) {
            ASN1_OCTET_STRING_free(octets)
            self = .ipAddress(host)
            return
        }
        OpenSSLErrorQueue.clear()
        host = host.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        guard Self.isValidDNSName(host) else {
            throw TLSError("\"\(hostname)\" is neither an IP address nor a DNS name usable in a certificate")
        }
        self = .dnsName(host)
    }

    /// The value in OpenSSL's configuration syntax (`x509v3_config(5)`): `IP:…` or `DNS:…`.
    var configValue: String {
        switch self {
        case .ipAddress(let address): "IP:\(address)"
        case .dnsName(let name): "DNS:\(name)"
        }
    }

    /// Preferred name syntax (RFC 1035 §2.3.1 with RFC 1123 §2.1 leading digits): labels of letters, digits and
    /// inner hyphens, at most 63 bytes each and 253 in all; the first label may be `*` (RFC 6125 §6.4.3).
    private static func isValidDNSName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for (index, label) in labels.enumerated() {
            if index == 0, label == "*", labels.count > 2 { continue }
            guard !label.isEmpty, label.utf8.count <= 63, label.first != "-", label.last != "-" else { return false }
            let allowed = label.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            }
            guard allowed else { return false }
        }
        return true
    }
}
