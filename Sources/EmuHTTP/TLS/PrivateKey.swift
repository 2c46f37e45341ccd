import COpenSSL

/// One owned OpenSSL private key (`EVP_PKEY*`), freed with the object.
final class PrivateKey {
    /// The `EVP_PKEY*`; valid for the object's lifetime.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer` (one reference, released in `deinit`).
    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// A new EC key on P-256 with the named-curve encoding (RFC 5480 §2.1.1.1).
    static func generateP256() throws(TLSError) -> PrivateKey {
        guard let key = copenssl_ec_p256_generate() else { throw TLSError.openSSL("cannot generate a P-256 key") }
        return PrivateKey(taking: key)
    }

    /// The first private key in a PEM file (PKCS#8 or traditional, unencrypted).
    static func read(pemFile path: String, what: String) throws(TLSError) -> PrivateKey {
        let bio = try PEMFile.openForReading(path, what: what)
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            throw TLSError.openSSL("\(what) \(path) holds no readable unencrypted PEM private key")
        }
        return PrivateKey(taking: key)
    }

    /// The unencrypted PKCS#8 PEM encoding ("BEGIN PRIVATE KEY", RFC 5958).
    func pem() throws(TLSError) -> [UInt8] {
        try MemoryBIO.collect(what: "encoding a private key") {
            PEM_write_bio_PrivateKey($0, pointer, nil, nil, 0, nil, nil) == 1
        }
    }
}
