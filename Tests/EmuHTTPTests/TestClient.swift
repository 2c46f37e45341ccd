import Glibc

/// A blocking POSIX TCP client for live tests: raw bytes out, raw or parsed responses in.
final class TestClient {
    /// What went wrong on the client side.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A parsed response.
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let fd: Int32
    /// Bytes received and not yet consumed.
    private(set) var pending: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; reads give up after `timeout` seconds.
    init(port: UInt16, timeout: Int = 15) throws {
        // The descriptor is stored only once connected: a throwing init of a fully initialized class still runs
        // deinit, which would close it a second time (and maybe someone else's descriptor by then).
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "connect: errno \(code)")
        }
        self.fd = fd
    }

    deinit { Glibc.close(fd) }

    /// True when nothing listens on `port` (connect is refused).
    static func isRefused(port: UInt16) -> Bool {
        (try? TestClient(port: port)) == nil
    }

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

    /// Closes the sending side only.
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

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

    /// Reads one response; `bodyless` for answers to HEAD. Throws if the connection ends first.
    func readResponse(bodyless: Bool = false) throws -> Response {
        var headEnd: Int?
        while true {
            headEnd = Self.find(Array("\r\n\r\n".utf8), in: pending)
            if headEnd != nil { break }
            guard try fill() else { throw Failure(description: "closed before a response head; got \(text(pending))") }
        }
        let head = String(decoding: pending[0..<headEnd!], as: UTF8.self)
        pending.removeFirst(headEnd! + 4)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in \(head)")
        }
        let headers = lines.map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        var response = Response(status: status, headers: headers, body: [])
        if bodyless || status < 200 || status == 204 || status == 304 { return response }
        if response.header("Transfer-Encoding") == "chunked" {
            response.body = try readChunkedBody()
            return response
        }
        let length = Int(response.header("Content-Length") ?? "0") ?? 0
        while pending.count < length {
            guard try fill() else { throw Failure(description: "closed inside a body") }
        }
        response.body = Array(pending[0..<length])
        pending.removeFirst(length)
        return response
    }

    /// Decodes a chunked body (RFC 9112 §7.1) up to its last chunk; throws if the connection ends first.
    private func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            var lineEnd = Self.find(Array("\r\n".utf8), in: pending)
            while lineEnd == nil {
                guard try fill() else { throw Failure(description: "closed inside a chunked body") }
                lineEnd = Self.find(Array("\r\n".utf8), in: pending)
            }
            guard let size = Int(String(decoding: pending[0..<lineEnd!], as: UTF8.self), radix: 16) else {
                throw Failure(description: "bad chunk size line")
            }
            pending.removeFirst(lineEnd! + 2)
            while pending.count < size + 2 {
                guard try fill() else { throw Failure(description: "closed inside a chunk") }
            }
            guard pending[size] == 0x0D, pending[size + 1] == 0x0A else {
                throw Failure(description: "no CRLF after chunk")
            }
            if size == 0 {
                pending.removeFirst(2)  // no trailer section: the last chunk's CRLF ends the body
                return body
            }
            body += pending[0..<size]
            pending.removeFirst(size + 2)
        }
    }

    /// Reads until the server closes; returns what arrived. Throws if it stays open past the read timeout.
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { pending = [] }
        return pending
    }

    /// True when the server has closed the connection (end-of-file or reset) with nothing more to read.
    func isClosedByPeer() throws -> Bool { try readToEnd().isEmpty }

    /// `GET target` (or any method) and its response.
    func request(
        _ method: String = "GET", _ target: String, headers: [String] = [], body: String = ""
    ) throws -> Response {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: test\r\n"
        for h in headers { text += h + "\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { text += "Content-Length: \(body.utf8.count)\r\n" }
        try send(text + "\r\n" + body)
        return try readResponse(bodyless: method == "HEAD")
    }

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<i + needle.count].elementsEqual(needle) {
            return i
        }
        return nil
    }
}
