import EmuHTTP

/// Feeds wire strings to an `HTTPParser` and collects what comes out.
struct ParserHarness {
    var parser: HTTPParser
    var requests: [HTTPRequest] = []
    var continues = 0

    init(maxHeaderBytes: Int = 32 * 1024, maxBodyBytes: Int = 4 * 1024 * 1024) {
        parser = HTTPParser(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)
    }

    /// Appends `bytes` and drains every event they complete.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(HTTPParseError) {
        parser.append(bytes)
        while let event = try parser.next() {
            switch event {
            case .continueNeeded: continues += 1
            case .request(let request): requests.append(request)
            }
        }
    }

    mutating func feed(_ text: String) throws(HTTPParseError) { try feed(Array(text.utf8)) }

    /// Every request in `text`, fed in one chunk.
    static func requests(_ text: String, maxHeaderBytes: Int = 32 * 1024, maxBodyBytes: Int = 4 * 1024 * 1024)
        throws(HTTPParseError) -> [HTTPRequest]
    {
        var harness = ParserHarness(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)
        try harness.feed(text)
        return harness.requests
    }

    /// The error `text` produces, or nil if it parses.
    static func error(_ text: String, maxHeaderBytes: Int = 32 * 1024, maxBodyBytes: Int = 4 * 1024 * 1024)
        -> HTTPParseError?
    {
        do {
            _ = try requests(text, maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)
            return nil
        } catch {
            return error
        }
    }

    /// The status `text` produces; 0 when it parses without error.
    static func status(_ text: String, maxHeaderBytes: Int = 32 * 1024, maxBodyBytes: Int = 4 * 1024 * 1024) -> Int {
        error(text, maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)?.status ?? 0
    }
}

extension HTTPRequest {
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}
