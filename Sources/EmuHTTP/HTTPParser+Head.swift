/// The request line and header section (RFC 9112 §2–§6).
extension HTTPParser {
    /// Scans for the blank line ending the header section, then parses it; nil while it is incomplete.
    mutating func parseHead(scanned: Int, lineStart: Int) throws(HTTPParseError) -> (Head, Framing)? {
        var scanned = scanned
        var lineStart = lineStart
        if scanned == 0 {
            // RFC 9112 §2.2: ignore empty lines received before the request line.
            while start < buffer.count {
                if buffer[start] == HTTPSyntax.lf {
                    start += 1
                } else if buffer[start] == HTTPSyntax.cr && start + 1 < buffer.count
                    && buffer[start + 1] == HTTPSyntax.lf
                {
                    start += 2
                } else {
                    break
                }
            }
            if bufferedByteCount == 1 && buffer[start] == HTTPSyntax.cr { return nil }
        }
        let available = bufferedByteCount
        let base = start
        var end = -1
        buffer.withUnsafeBufferPointer { p in
            while scanned < available {
                if p[base + scanned] == HTTPSyntax.lf {
                    let length = scanned - lineStart
                    // RFC 9112 §2.2: a bare LF may end a line; a CR before it is dropped.
                    if lineStart > 0 && (length == 0 || (length == 1 && p[base + lineStart] == HTTPSyntax.cr)) {
                        end = scanned + 1
                        return
                    }
                    lineStart = scanned + 1
                }
                scanned += 1
            }
        }
        guard end > 0 else {
            // Not complete yet: `available` bytes and at least one more would exceed the limit.
            if available >= maxHeaderBytes { throw tooLarge() }
            state = .head(scanned: scanned, lineStart: lineStart)
            return nil
        }
        guard end <= maxHeaderBytes else { throw tooLarge() }
        let head = try buffer.withUnsafeBufferPointer { (p) throws(HTTPParseError) -> Head in
            try Self.parseHeadBytes(UnsafeBufferPointer(rebasing: p[base..<base + end]))
        }
        start += end
        return (head, try framing(of: head))
    }

    private func tooLarge() -> HTTPParseError {
        .headerFieldsTooLarge("The request line and header fields exceed \(maxHeaderBytes) bytes.")
    }

    /// Parses a complete header section, blank line included. Two passes over the bytes and no array of lines:
    /// the first checks for bare CRs and counts the lines, so the fields are stored in one allocation.
    static func parseHeadBytes(_ p: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Head {
        var lineCount = 0
        for i in 0..<p.count {
            if p[i] == HTTPSyntax.lf {
                lineCount += 1
            } else if p[i] == HTTPSyntax.cr && (i + 1 == p.count || p[i + 1] != HTTPSyntax.lf) {
                // RFC 9112 §2.2: a CR is allowed only before the LF ending a line.
                throw .badRequest("A bare CR is not allowed in the header section.")
            }
        }
        var requestLine: (HTTPMethod, String, HTTPVersion)?
        var headers = HTTPHeaders()
        headers.reserveCapacity(max(0, lineCount - 2))  // all lines but the request line and the blank one
        var hostCount = 0
        var lineStart = 0
        for i in 0..<p.count where p[i] == HTTPSyntax.lf {
            var lineEnd = i
            if lineEnd > lineStart && p[lineEnd - 1] == HTTPSyntax.cr { lineEnd -= 1 }
            let line = UnsafeBufferPointer(rebasing: p[lineStart..<lineEnd])
            lineStart = i + 1
            if requestLine == nil {
                requestLine = try parseRequestLine(line)
            } else if lineStart < p.count {  // not the blank line that ends the section
                let (name, value) = try parseField(line)
                if HTTPHeaders.equalNames(name, "Host") { hostCount += 1 }
                headers.add(name, value)
            }
        }
        guard let (sentMethod, sentTarget, version) = requestLine else {
            throw .badRequest("The request line is not 'method target version'.")
        }
        var target = sentTarget
        if hostCount > 1 { throw .badRequest("More than one Host header field.") }  // RFC 9112 §3.2
        if hostCount == 0 && version.minor >= 1 { throw .badRequest("HTTP/1.1 requests need a Host header field.") }
        if let (authority, path) = absoluteForm(target) {
            // RFC 9112 §3.2.2: the authority of an absolute-form target replaces Host.
            target = path
            headers.set("Host", authority)
        } else if target == "*" {
            if sentMethod != .options { throw .badRequest("The asterisk-form target is only for OPTIONS.") }
        } else if sentMethod.rawValue != "CONNECT" && !target.hasPrefix("/") {
            throw .badRequest("The request-target must start with '/'.")
        }
        var expectsContinue = false
        if let expect = headers["Expect"], version.minor >= 1 {  // RFC 9110 §10.1.1: ignored from HTTP/1.0
            guard HTTPSyntax.listElements(expect) == ["100-continue"] else {
                throw .expectationFailed("Only 'Expect: 100-continue' is supported.")
            }
            expectsContinue = true
        }
        let method = sentMethod.rawValue == "GET" ? .get : sentMethod
        return Head(
            method: method, target: target, version: version, headers: headers, expectsContinue: expectsContinue)
    }

    /// `method SP request-target SP HTTP-version` (RFC 9112 §3).
    private static func parseRequestLine(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParseError) -> (HTTPMethod, String, HTTPVersion) {
        guard let sp1 = line.firstIndex(of: HTTPSyntax.space),
            let sp2 = line[(sp1 + 1)...].firstIndex(of: HTTPSyntax.space)
        else { throw .badRequest("The request line is not 'method target version'.") }
        let v = UnsafeBufferPointer(rebasing: line[(sp2 + 1)...])
        guard v.count == 8, v[0] == UInt8(ascii: "H"), v[1] == UInt8(ascii: "T"), v[2] == UInt8(ascii: "T"),
            v[3] == UInt8(ascii: "P"), v[4] == UInt8(ascii: "/"), v[6] == UInt8(ascii: "."),
            let major = digit(v[5]), let minor = digit(v[7])
        else { throw .badRequest("The request line does not end with a valid HTTP version.") }
        guard major == 1 else { throw .versionNotSupported("Only HTTP/1.0 and HTTP/1.1 are supported.") }
        let method = line[..<sp1]
        guard !method.isEmpty, method.allSatisfy(HTTPSyntax.isTokenChar) else {
            throw .badRequest("The request method is not a token.")
        }
        let target = line[(sp1 + 1)..<sp2]
        guard !target.isEmpty, target.allSatisfy(HTTPSyntax.isTargetChar) else {
            throw .badRequest("The request-target is empty or contains invalid characters.")
        }
        return (
            HTTPMethod(String(decoding: method, as: UTF8.self)), String(decoding: target, as: UTF8.self),
            HTTPVersion(major: major, minor: minor)
        )
    }

    /// `field-name ":" OWS field-value OWS` (RFC 9112 §5).
    private static func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (String, String) {
        // RFC 9112 §5.2: obs-fold (and whitespace before the first field, §2.2) is rejected.
        if let first = line.first, first == HTTPSyntax.space || first == HTTPSyntax.tab {
            throw .badRequest("Obsolete line folding is not accepted.")
        }
        guard let colon = line.firstIndex(of: HTTPSyntax.colon) else {
            throw .badRequest("A header field line has no colon.")
        }
        let name = line[..<colon]
        // RFC 9112 §5.1: no whitespace between the field name and the colon.
        guard !name.isEmpty, name.allSatisfy(HTTPSyntax.isTokenChar) else {
            throw .badRequest("A header field name is not a token.")
        }
        var lo = colon + 1
        var hi = line.count
        while lo < hi && (line[lo] == HTTPSyntax.space || line[lo] == HTTPSyntax.tab) { lo += 1 }
        while hi > lo && (line[hi - 1] == HTTPSyntax.space || line[hi - 1] == HTTPSyntax.tab) { hi -= 1 }
        let value = line[lo..<hi]
        guard value.allSatisfy(HTTPSyntax.isFieldValueChar) else {
            throw .badRequest("A header field value contains a control character.")  // RFC 9110 §5.5
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    /// `http://authority/path?query` → (authority, origin-form) (RFC 9112 §3.2.2).
    private static func absoluteForm(_ target: String) -> (String, String)? {
        if target.utf8.first == UInt8(ascii: "/") { return nil }  // origin-form, nearly every request
        let lower = target.prefix(8).lowercased()
        let schemeLength = lower.hasPrefix("http://") ? 7 : lower.hasPrefix("https://") ? 8 : 0
        guard schemeLength > 0 else { return nil }
        let rest = target.dropFirst(schemeLength)
        let cut = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let path = rest[cut...]
        return (String(rest[..<cut]), path.hasPrefix("/") ? String(path) : "/" + path)
    }

    private static func digit(_ b: UInt8) -> Int? {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") ? Int(b - UInt8(ascii: "0")) : nil
    }
}
