import EmuCore

#if canImport(Glibc)
import Glibc
#endif

/// A blocking POSIX TCP client for the live suites: raw bytes out, parsed HTTP/1.1 responses in.
/// One instance belongs to one thread at a time.
final class LiveClient {
    /// What went wrong on the client side.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A response as it came off the wire.
    struct Response: CustomStringConvertible {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSON { (try? JSONParser.parse(body)) ?? .null }
        var errorCode: String? { json["error"]?["code"]?.stringValue }
        var description: String { "\(status) \(text)" }
    }

    let fd: Int32
    let port: UInt16
    /// Bytes received and not yet consumed.
    private(set) var pending: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; a read gives up after `timeout` seconds.
    init(port: UInt16, timeout: Int = 30) throws {
        self.port = port
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let fd = self.fd
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): errno \(code)")
        }
    }

    deinit { Glibc.close(fd) }

    /// The `Host` header value this client sends.
    var authority: String { "127.0.0.1:\(port)" }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
            sent += n
        }
    }

    /// Closes the sending side only: the server sees end-of-file.
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Closes both directions at once, with a reset (`SO_LINGER` 0): a client that vanishes.
    func abort() {
        var l = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Reads more bytes into `pending`; false at end-of-file or on a reset.
    @discardableResult
    func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            pending += chunk[0..<n]
            return true
        }
        if n == 0 { return false }
        let code = errno
        if code == ECONNRESET { return false }
        throw Failure(description: code == EAGAIN ? "read timed out" : "recv: errno \(code)")
    }

    /// Reads one response (an interim 1xx one too); `bodyless` for answers to HEAD.
    func readResponse(bodyless: Bool = false) throws -> Response {
        var headEnd: Int?
        while true {
            headEnd = Self.find(Array("\r\n\r\n".utf8), in: pending)
            if headEnd != nil { break }
            guard try fill() else {
                throw Failure(description: "closed before a response head; got '\(Self.text(pending))'")
            }
        }
        let head = String(decoding: pending[0..<headEnd!], as: UTF8.self)
        pending.removeFirst(headEnd! + 4)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in '\(head)'")
        }
        let headers = try lines.map { line -> (name: String, value: String) in
            guard let colon = line.firstIndex(of: ":") else { throw Failure(description: "bad header line '\(line)'") }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        var response = Response(status: status, headers: headers, body: [])
        if bodyless || status < 200 || status == 204 || status == 304 { return response }
        if response.header("Transfer-Encoding") == "chunked" {
            response.body = try readChunks()
        } else if let length = response.header("Content-Length").flatMap({ Int($0) }) {
            while pending.count < length {
                guard try fill() else { throw Failure(description: "closed inside a body of \(length) bytes") }
            }
            response.body = Array(pending[0..<length])
            pending.removeFirst(length)
        } else {
            response.body = try readToEnd()
        }
        return response
    }

    /// A chunked body's bytes up to its last chunk (RFC 9112 §7.1; the server sends no trailers).
    private func readChunks() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            while Self.find(Array("\r\n".utf8), in: pending) == nil {
                guard try fill() else { throw Failure(description: "closed inside a chunked body") }
            }
            let lineEnd = Self.find(Array("\r\n".utf8), in: pending)!
            guard let size = Int(Self.text(Array(pending[0..<lineEnd])), radix: 16) else {
                throw Failure(description: "bad chunk size line '\(Self.text(Array(pending[0..<lineEnd])))'")
            }
            while pending.count < lineEnd + 2 + size + 2 {
                guard try fill() else { throw Failure(description: "closed inside a chunk") }
            }
            body += pending[(lineEnd + 2)..<(lineEnd + 2 + size)]
            pending.removeFirst(lineEnd + 2 + size + 2)
            if size == 0 { return body }
        }
    }

    /// Reads until the server closes; returns what arrived.
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { pending = [] }
        return pending
    }

    /// The wire text of a request with `Host`, an optional bearer token and a `Content-Length` for any body.
    func requestText(
        _ method: String, _ target: String, body: String? = nil, auth: Bool = true, headers: [String] = []
    ) -> String {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: \(authority)\r\n"
        if auth { text += "Authorization: Bearer live-test-token\r\n" }
        for h in headers { text += h + "\r\n" }
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        } else {
            text += "\r\n"
        }
        return text
    }

    /// Sends one request and reads its response.
    func request(
        _ method: String, _ target: String, body: String? = nil, auth: Bool = true, headers: [String] = []
    ) throws -> Response {
        try send(requestText(method, target, body: body, auth: auth, headers: headers))
        return try readResponse(bodyless: method == "HEAD")
    }

    /// Sends one request on a fresh connection, reads its response, and closes.
    static func once(
        port: UInt16, _ method: String, _ target: String, body: String? = nil, auth: Bool = true,
        headers: [String] = []
    ) throws -> Response {
        try LiveClient(port: port).request(method, target, body: body, auth: auth, headers: headers)
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<i + needle.count].elementsEqual(needle) {
            return i
        }
        return nil
    }
}
