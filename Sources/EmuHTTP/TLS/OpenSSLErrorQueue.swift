import COpenSSL

/// The calling thread's OpenSSL error queue (`ERR_get_error(3)`).
///
/// The queue is thread-local and one event-loop thread serves many connections, so every entry point clears it
/// first and reads it on failure before returning: no entry is left for another connection's call to find.
enum OpenSSLErrorQueue {
    /// Empties the queue, discarding stale entries (`ERR_clear_error(3)`).
    static func clear() { ERR_clear_error() }

    /// Empties the queue and returns its entries as `ERR_error_string_n` texts joined by "; ", oldest first.
    static func drain() -> String {
        var texts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            // ERR_error_string_n(3): 256 bytes hold any entry; it always NUL-terminates within the count.
            var text = [CChar](repeating: 0, count: 256)
            text.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            texts.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return texts.joined(separator: "; ")
    }
}
