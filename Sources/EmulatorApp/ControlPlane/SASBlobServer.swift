import ARMKit
import EmuCore
import EmuHTTP
import EmulatorStore

/// Serves the URLs `beginGetAccess` hands out (CONTRACT.md §5.4): `GET`/`HEAD /_emulator/sas/{token}/{drp}.vhd`
/// answer the disk restore point's `diskSizeGB` GiB of zeros as a page blob would, with `Range` (or `x-ms-range`,
/// which wins, as in Azure Storage) support. Errors are Azure Storage's XML.
///
/// A response never carries more than `maxResponseBytes` (64 MiB): a whole-disk GET is only answered for a disk
/// that small, which no whole-GiB disk is, so downloads must ask for ranges, as AzCopy and the Storage SDKs do
/// (their chunks are 4–32 MiB). HEAD always answers the full `Content-Length`.
struct SASBlobServer: Sendable {
    let app: AppContext

    static let maxResponseBytes: Int64 = 64 * 1_048_576
    static let gibibyte: Int64 = 1_073_741_824

    /// What a GET answers for a `Range` header over `total` bytes when at most `cap` may be sent.
    enum Plan: Equatable {
        /// 200 with every byte.
        case whole
        /// 206 with bytes `start...end`.
        case partial(start: Int64, end: Int64)
        /// 416: the range starts at or after the end.
        case unsatisfiable
        /// No usable range and the blob is larger than `cap`.
        case rangeRequired
        /// The range is satisfiable but longer than `cap`.
        case rangeTooLarge(length: Int64)
    }

    /// RFC 9110 §14: `bytes=a-b`, `bytes=a-`, `bytes=-n`. A header that is not one such range (several ranges,
    /// another unit, `b < a`) is ignored, as the RFC allows; `end` past the blob is cut to its last byte.
    static func plan(range header: String?, total: Int64, cap: Int64) -> Plan {
        guard let header, let (first, last) = parse(header) else { return total <= cap ? .whole : .rangeRequired }
        let start: Int64
        let end: Int64
        if let first {
            guard first < total else { return .unsatisfiable }
            start = first
            end = min(last ?? total - 1, total - 1)
        } else {
            guard let suffix = last, suffix > 0, total > 0 else { return .unsatisfiable }
            start = max(0, total - suffix)
            end = total - 1
        }
        let length = end - start + 1
        return length > cap ? .rangeTooLarge(length: length) : .partial(start: start, end: end)
    }

    /// `(first, last)` of a single byte range; `first` nil for a suffix range; nil when it is not one.
    private static func parse(_ header: String) -> (Int64?, Int64?)? {
        let text = header.filter { $0 != " " && $0 != "\t" }
        guard text.lowercased().hasPrefix("bytes=") else { return nil }
        let spec = text.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let a = spec[..<dash]
        let b = spec[spec.index(after: dash)...]
        guard a.allSatisfy(\.isASCIIDigit), b.allSatisfy(\.isASCIIDigit), !(a.isEmpty && b.isEmpty) else {
            return nil
        }
        let first = a.isEmpty ? nil : Int64(a)
        let last = b.isEmpty ? nil : Int64(b)
        if !a.isEmpty, first == nil { return nil }
        if !b.isEmpty, last == nil { return nil }
        if let first, let last, last < first { return nil }
        return (first, last)
    }

    func serve(_ request: HTTPRequest, token: String, blob: String) -> HTTPResponse {
        let now = app.clock.now()
        let access = AccessService(app: app)
        let found: (ResourceRecord, AccessGrant)?
        let exists: Bool
        do throws(ARMError) {
            found = try access.grant(token: token)
            if let (_, grant) = found {
                exists = try access.diskRestorePointExists(grant, now: now)
            } else {
                exists = false
            }
        } catch {
            return ARMPipeline.render(error)
        }
        guard let (_, grant) = found else {
            return Self.error(
                403, "AuthenticationFailed",
                "Server failed to authenticate the request. Make sure the value of Authorization header is formed "
                    + "correctly including the signature.",
                detail: "rpemu has no access grant with this token: it was never issued, or a later beginGetAccess "
                    + "on the same disk restore point replaced it.")
        }
        guard blob.lowercased() == grant.diskRestorePointName.lowercased() + ".vhd" else {
            return Self.error(
                404, "BlobNotFound",
                "The specified blob does not exist. This SAS names '\(grant.diskRestorePointName).vhd'.")
        }
        if let revoked = grant.revokedAt {
            return Self.error(
                403, "AuthenticationFailed",
                "Server failed to authenticate the request. Make sure the value of Authorization header is formed "
                    + "correctly including the signature.",
                detail: "Access to disk restore point '\(grant.diskRestorePointName)' was revoked (endGetAccess) at "
                    + "\(revoked.iso8601).")
        }
        guard now < grant.expiresAt else {
            return Self.error(
                403, "AuthenticationFailed",
                "Server failed to authenticate the request. Make sure the value of Authorization header is formed "
                    + "correctly including the signature.",
                detail: "Signature not valid in the specified time frame: Start [\(grant.grantedAt.iso8601)] - "
                    + "Expiry [\(grant.expiresAt.iso8601)] - Current [\(now.iso8601)]")
        }
        guard exists else {
            return Self.error(
                404, "BlobNotFound",
                "The specified blob does not exist: disk restore point '\(grant.diskRestorePointName)' is gone.")
        }
        return content(request, grant: grant)
    }

    /// The zeros of the disk, whole or a range.
    private func content(_ request: HTTPRequest, grant: AccessGrant) -> HTTPResponse {
        let total = grant.diskSizeGB * Self.gibibyte
        let isHead = request.method == .head
        let header = request.headers["x-ms-range"] ?? request.headers["Range"]
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/octet-stream")
        headers.add("Accept-Ranges", "bytes")
        headers.add("x-ms-blob-type", "PageBlob")
        headers.add("x-ms-version", "2018-03-28")
        headers.add("ETag", "\"0x\(grant.token.prefix(15).uppercased())\"")
        switch Self.plan(range: header, total: total, cap: isHead ? .max : Self.maxResponseBytes) {
        case .whole:
            headers.add("Content-Length", String(total))
            return HTTPResponse(status: 200, headers: headers, body: isHead ? [] : Self.zeros(total))
        case .partial(let start, let end):
            let length = end - start + 1
            headers.add("Content-Length", String(length))
            headers.add("Content-Range", "bytes \(start)-\(end)/\(total)")
            return HTTPResponse(status: 206, headers: headers, body: isHead ? [] : Self.zeros(length))
        case .unsatisfiable:
            var r = Self.error(
                416, "InvalidRange", "The range specified is invalid for the current size of the resource.")
            r.headers.add("Content-Range", "bytes */\(total)")
            return r
        case .rangeRequired:
            return Self.error(
                400, "RangeRequired",
                "This disk image is \(total) bytes; rpemu sends at most \(Self.maxResponseBytes) bytes per "
                    + "response. Ask for one range at a time with 'Range: bytes=start-end' (HEAD gives the size).")
        case .rangeTooLarge(let length):
            return Self.error(
                400, "RangeTooLarge",
                "The range asks for \(length) bytes; rpemu sends at most \(Self.maxResponseBytes) bytes per "
                    + "response. Ask for smaller ranges.")
        }
    }

    private static func zeros(_ count: Int64) -> [UInt8] { [UInt8](repeating: 0, count: Int(count)) }

    /// An Azure Storage error: XML body, `x-ms-error-code`.
    static func error(_ status: Int, _ code: String, _ message: String, detail: String? = nil) -> HTTPResponse {
        var xml =
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>\(code)</Code><Message>\(escape(message))</Message>"
        if let detail { xml += "<AuthenticationErrorDetail>\(escape(detail))</AuthenticationErrorDetail>" }
        xml += "</Error>"
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/xml")
        headers.add("x-ms-error-code", code)
        return HTTPResponse(status: status, headers: headers, body: Array(xml.utf8))
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
