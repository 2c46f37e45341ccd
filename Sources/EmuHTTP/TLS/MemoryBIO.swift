import COpenSSL

/// Helpers for OpenSSL memory BIOs (`BIO_s_mem(3)`): the byte queues between OpenSSL and Swift arrays.
enum MemoryBIO {
    /// Runs `write` on a fresh memory BIO and returns what it wrote; `write` returns false on failure.
    static func collect(what: String, _ write: (OpaquePointer) -> Bool) throws(TLSError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError.openSSL("\(what): out of memory") }
        defer { BIO_free(bio) }
        guard write(bio) else { throw TLSError.openSSL(what) }
        var bytes: [UInt8] = []
        drain(bio, into: &bytes)
        return bytes
    }

    /// Moves every byte pending in `bio` to the end of `bytes`.
    static func drain(_ bio: OpaquePointer, into bytes: inout [UInt8]) {
        var data: UnsafeMutablePointer<CChar>?
        let count = copenssl_bio_get_mem_data(bio, &data)
        guard count > 0, let data else { return }
        data.withMemoryRebound(to: UInt8.self, capacity: count) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: count))
        }
        // BIO_reset(3) on a writable memory BIO empties it; a read-only one would rewind instead.
        _ = BIO_ctrl(bio, BIO_CTRL_RESET, 0, nil)
    }

    /// Appends `bytes` to `bio`; memory BIOs grow, so this fails only when memory runs out.
    static func write(_ bytes: [UInt8], to bio: OpaquePointer) -> Bool {
        if bytes.isEmpty { return true }
        let written = bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
        return written == Int32(bytes.count)
    }
}
