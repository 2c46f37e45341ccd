import CLinux
import Glibc

/// The system calls, each wrapped once; `errno` is read right after the call that set it.
extension Socket {
    /// Opens a non-blocking TCP listening socket on `host:port` (port 0 lets the kernel pick) and returns it with
    /// the port actually bound. `host` is an IPv4 or IPv6 literal, or `localhost` (127.0.0.1).
    static func listen(host: String, port: UInt16, backlog: Int32 = 1024) throws(SocketError) -> (Socket, UInt16) {
        var storage = sockaddr_storage()
        let length = try fill(&storage, host: host, port: port)
        let family = Int32(storage.ss_family)
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw lastError("socket") }
        let sock = Socket(fd: fd)
        do throws(SocketError) {
            try sock.setOption(SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)")
            if family == AF_INET6 { try sock.setOption(Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1, "setsockopt(IPV6_V6ONLY)") }
            let rc = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            guard rc == 0 else { throw lastError("bind \(host):\(port)") }
            guard Glibc.listen(fd, backlog) == 0 else { throw lastError("listen") }
            return (sock, try sock.localPort())
        } catch {
            sock.close()
            throw error
        }
    }

    /// Accepts one pending connection as a non-blocking socket with TCP_NODELAY; nil when none is pending.
    /// accept4(2) sets the flags in the same call (the CLinux shim declares it: Glibc's module lacks `_GNU_SOURCE`).
    func accept() throws(SocketError) -> Accepted? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                clinux_accept4(self.fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
            }
        }
        guard fd >= 0 else {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR || code == ECONNABORTED { return nil }
            throw SocketError(operation: "accept4", code: code, reason: Self.describe(code))
        }
        let sock = Socket(fd: fd)
        // RFC 9112 responses go out in one send; Nagle would only add latency.
        try? sock.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)")
        return Accepted(socket: sock, remoteAddress: Self.format(storage))
    }

    /// Reads what is available into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfFile }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(SocketError(operation: "read", code: code, reason: Self.describe(code)))
        }
    }

    /// Sends what the socket takes of `bytes`; MSG_NOSIGNAL turns a broken pipe into EPIPE instead of SIGPIPE.
    func send(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return n == 0 ? .wouldBlock : .bytes(n) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(SocketError(operation: "send", code: code, reason: Self.describe(code)))
        }
    }

    /// Half-closes: the peer reads end-of-file after the bytes already sent (RFC 9112 §9.6 staged close).
    func shutdownWrite() { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Releases the descriptor.
    func close() { _ = Glibc.close(fd) }

    /// The local port (learns the kernel's pick for port 0).
    func localPort() throws(SocketError) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { throw Self.lastError("getsockname") }
        return Self.port(of: storage)
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32, _ what: String) throws(SocketError) {
        var v = value
        guard setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw Self.lastError(what)
        }
    }

    private static func lastError(_ operation: String) -> SocketError {
        let code = errno
        return SocketError(operation: operation, code: code, reason: describe(code))
    }

    /// EMFILE or ENFILE: the process or the system ran out of descriptors.
    static func isDescriptorExhaustion(_ code: Int32) -> Bool { code == EMFILE || code == ENFILE }

    /// `strerror` for `code`.
    static func describe(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }

    private static func fill(
        _ storage: inout sockaddr_storage, host: String, port: UInt16
    ) throws(SocketError) -> socklen_t {
        let name = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: v4) { dst.copyMemory(from: $0) } }
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        var v6 = sockaddr_in6()
        let bare = name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name
        if inet_pton(AF_INET6, bare, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: v6) { dst.copyMemory(from: $0) } }
            return socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
        throw SocketError(operation: "listen", code: 0, reason: "'\(host)' is not an IP address literal or localhost")
    }

    private static func port(of storage: sockaddr_storage) -> UInt16 {
        var s = storage
        if Int32(s.ss_family) == AF_INET6 {
            return withUnsafePointer(to: &s) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port.bigEndian }
            }
        }
        return withUnsafePointer(to: &s) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port.bigEndian }
        }
    }

    private static func format(_ storage: sockaddr_storage) -> String {
        var s = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let p = port(of: storage)
        if Int32(s.ss_family) == AF_INET6 {
            withUnsafePointer(to: &s) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var addr = sin6.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                }
            }
            return "[\(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))]:\(p)"
        }
        withUnsafePointer(to: &s) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                var addr = sin.pointee.sin_addr
                _ = inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
            }
        }
        return "\(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)):\(p)"
    }
}

/// Client-side calls, used by `HTTPProbe` (`rpemu healthcheck`).
extension Socket {
    /// A blocking TCP connection to `host:port` whose reads and writes give up after `timeoutSeconds`.
    static func connect(host: String, port: UInt16, timeoutSeconds: Int) throws(SocketError) -> Socket {
        var storage = sockaddr_storage()
        let length = try fill(&storage, host: host, port: port)
        let fd = socket(Int32(storage.ss_family), Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw lastError("socket") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        guard rc == 0 else {
            let error = lastError("connect \(host):\(port)")
            _ = Glibc.close(fd)
            throw error
        }
        return Socket(fd: fd)
    }
}
