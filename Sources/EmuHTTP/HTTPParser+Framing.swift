/// Message body length (RFC 9112 §6).
extension HTTPParser {
    /// How the body of `head` is delimited; checks the size limit for a declared length at once.
    func framing(of head: Head) throws(HTTPParseError) -> Framing {
        let transferEncodings = head.headers.values("Transfer-Encoding")
        let contentLengths = head.headers.values("Content-Length")
        if !transferEncodings.isEmpty {
            // RFC 9112 §6.1: both together is how requests are smuggled; refuse rather than guess.
            guard contentLengths.isEmpty else {
                throw .badRequest("Transfer-Encoding and Content-Length must not be sent together.")
            }
            // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
            guard head.version.minor >= 1 else { throw .badRequest("Transfer-Encoding is not valid in HTTP/1.0.") }
            let codings = transferEncodings.flatMap(HTTPSyntax.listElements).map { coding in
                String(coding.prefix { $0 != ";" && $0 != " " && $0 != "\t" })
            }
            // RFC 9112 §6.1: an unknown transfer coding is 501; chunked must be there exactly once, last.
            if let unknown = codings.first(where: { $0 != "chunked" }) {
                throw .notImplemented("Transfer-Encoding '\(unknown)' is not supported.")
            }
            guard codings.count == 1 else { throw .badRequest("Transfer-Encoding must be 'chunked' once.") }
            return .chunked(ChunkedBody())
        }
        guard !contentLengths.isEmpty else { return .length(0) }  // RFC 9112 §6.3 rule 7: no body
        var length: Int?
        // RFC 9110 §8.6: a list of identical values may be accepted as one; anything else is invalid.
        for field in contentLengths {
            for element in field.split(separator: ",", omittingEmptySubsequences: false) {
                let isOWS: (UInt8) -> Bool = { $0 == HTTPSyntax.space || $0 == HTTPSyntax.tab }
                let digits = Array(element.utf8).drop(while: isOWS).reversed().drop(while: isOWS).reversed()
                guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    throw .badRequest("Content-Length '\(field)' is not a non-negative integer.")
                }
                var value = 0
                for d in digits {
                    let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times10.addingReportingOverflow(Int(d - 0x30))
                    value = o1 || o2 ? Int.max : sum
                }
                if let length, length != value { throw .badRequest("Content-Length values disagree.") }
                length = value
            }
        }
        let declared = length ?? 0
        guard declared <= maxBodyBytes else {
            throw .contentTooLarge("The request body of \(declared) bytes exceeds \(maxBodyBytes) bytes.")
        }
        return .length(declared)
    }
}
