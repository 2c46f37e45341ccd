import EmuCore
import EmuHTTP

/// One page of a list: `{"value":[...], "nextLink": "..."}`, `nextLink` omitted on the last page.
public struct Page: Sendable {
    /// Where this page starts (decoded `$skiptoken`) and how many items it holds.
    public struct Request: Sendable, Equatable {
        public var after: String?
        public var size: Int
    }

    /// Reads `$skiptoken` from the request; a token the emulator did not make → 400 `InvalidParameter`.
    public static func request(_ r: ARMRequest, size: Int) throws(ARMError) -> Request {
        guard let token = r.http.queryValue("$skiptoken") else { return Request(after: nil, size: size) }
        guard let after = SkipToken.decode(token) else {
            throw .invalidParameter("The value of $skiptoken is not valid.", target: "$skiptoken")
        }
        return Request(after: after, size: size)
    }

    /// The response for `items` (rendered) when `lastKey` is the key of the last one and `hasMore` says a
    /// further page exists. `nextLink` is absolute, keeps every query parameter (api-version included) and
    /// replaces `$skiptoken` (reference/clients.md §0.6).
    public static func response(_ r: ARMRequest, items: [JSON], lastKey: String?, hasMore: Bool) -> ARMResponse {
        var o = JSONObject()
        o["value"] = .array(items)
        if hasMore, let lastKey {
            var parts = r.http.query.filter { $0.name.lowercased() != "$skiptoken" }.map {
                URLComponentsParser.percentEncode($0.name).replacingDollar() + "="
                    + URLComponentsParser.percentEncode($0.value)
            }
            parts.append("$skiptoken=" + SkipToken.encode(lastKey))
            o["nextLink"] = .string(r.baseURL + r.http.rawPath + "?" + parts.joined(separator: "&"))
        }
        return ARMResponse(status: 200, body: .object(o))
    }
}

extension String {
    /// `%24skiptoken` → `$skiptoken`: ARM writes its `$` parameters unescaped.
    fileprivate func replacingDollar() -> String { hasPrefix("%24") ? "$" + dropFirst(3) : self }
}
