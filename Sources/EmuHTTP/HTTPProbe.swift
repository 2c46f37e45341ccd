import COpenSSL

/// A one-shot blocking `GET` that returns the status code: `rpemu healthcheck` (Docker's HEALTHCHECK).
/// Over TLS it does not verify the certificate: it talks to its own server on the same host and reads only
/// readiness.
public enum HTTPProbe {
    /// The status of `GET path`, or nil when nothing answered within `timeoutSeconds`.
    public static func status(host: String, port: UInt16, path: String, secure: Bool, timeoutSeconds: Int = 3) -> Int? {
        guard let socket = try? Socket.connect(host: host, port: port, timeoutSeconds: timeoutSeconds) else {
            return nil
        }
        defer { socket.close() }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n".utf8)
        let head: [UInt8]?
        if secure {
            head = tlsExchange(fd: socket.fd, request: request)
        } else {
            head = plainExchange(socket, request: request)
        }
        guard let head else { return nil }
        // "HTTP/1.1 200 OK": the three digits after the first space (RFC 9112 §4).
        let line = head.prefix { $0 != 0x0D }
        let parts = line.split(separator: 0x20)
        guard parts.count >= 2 else { return nil }
        return Int(String(decoding: parts[1], as: UTF8.self))
    }

    private static func plainExchange(_ socket: Socket, request: [UInt8]) -> [UInt8]? {
        let sent = request.withUnsafeBytes { socket.send($0) }
        guard case .bytes(let n) = sent, n == request.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let result = buffer.withUnsafeMutableBytes { socket.read(into: $0) }
        guard case .bytes(let got) = result else { return nil }
        return Array(buffer[0..<got])
    }

    private static func tlsExchange(fd: Int32, request: [UInt8]) -> [UInt8]? {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { return nil }
        defer { SSL_CTX_free(ctx) }
        guard let ssl = SSL_new(ctx) else { return nil }
        defer { SSL_free(ssl) }
        guard SSL_set_fd(ssl, fd) == 1, SSL_connect(ssl) == 1 else { return nil }
        let written = request.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(request.count) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let got = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        guard got > 0 else { return nil }
        return Array(buffer[0..<Int(got)])
    }
}
