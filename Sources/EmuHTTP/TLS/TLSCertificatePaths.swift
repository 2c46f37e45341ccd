/// Where the server's certificate files are.
public struct TLSCertificatePaths: Sendable, Equatable {
    /// The certificate clients trust (`REQUESTS_CA_BUNDLE`, clients.md §0.2). For a bring-your-own
    /// certificate this is the chain file itself.
    public var caCertificate: String
    /// PEM certificates, leaf first, then the CA: what the server presents (RFC 8446 §4.4.2).
    public var certificateChain: String
    /// The leaf's PEM private key (mode 0600).
    public var privateKey: String

    public init(caCertificate: String, certificateChain: String, privateKey: String) {
        self.caCertificate = caCertificate
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }
}
