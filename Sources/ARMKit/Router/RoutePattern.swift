/// A path template such as `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}`.
/// Literal segments match case-insensitively (CONTRACT.md §2); `{name}` captures one decoded segment.
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)  // lower-cased
        case capture(String)
    }

    let segments: [Segment]
    /// Each `{name}` and its segment's index, shared by every match's `RouteCaptures`.
    let slots: [(name: String, segment: Int)]
    public let description: String

    public init(_ template: String) {
        description = template
        segments = template.split(separator: "/").map { part in
            if part.hasPrefix("{"), part.hasSuffix("}") { return .capture(String(part.dropFirst().dropLast())) }
            return .literal(part.lowercased())
        }
        slots = segments.enumerated().compactMap { index, segment in
            if case .capture(let name) = segment { (name, index) } else { nil }
        }
    }

    public static func == (a: RoutePattern, b: RoutePattern) -> Bool { a.segments == b.segments }
    public func hash(into hasher: inout Hasher) { hasher.combine(segments) }

    /// `value` equals the lower-cased literal `lower`, ASCII case-insensitively, without allocating (this runs for
    /// every route on every request).
    static func equalLowercased(_ value: String, _ lower: String) -> Bool {
        guard value.utf8.count == lower.utf8.count else { return false }  // O(1) for native strings
        // Over the two strings' bytes in place when both have contiguous UTF-8 (native strings do): no iterator.
        if let equal = value.utf8.withContiguousStorageIfAvailable({ a in
            lower.utf8.withContiguousStorageIfAvailable { b in
                for i in 0..<a.count where a[i] != b[i] {
                    guard a[i] >= 65, a[i] <= 90, a[i] + 32 == b[i] else { return false }
                }
                return true
            }
        }), let equal {
            return equal
        }
        var a = value.utf8.makeIterator()
        var b = lower.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case (let x?, let y?):
                guard x == y || (x >= 65 && x <= 90 && x + 32 == y) else { return false }
            default: return false
            }
        }
    }

    /// The captures when `path` matches, with the number of literal segments (more literals = more specific).
    public func match(_ path: [String]) -> (captures: RouteCaptures, literals: Int)? {
        guard let literals = matchedLiterals(path) else { return nil }
        return (captures(path), literals)
    }

    /// The number of literal segments when `path` matches, without building the captures (most routes tried
    /// for a request do not match).
    func matchedLiterals(_ path: [String]) -> Int? {
        guard path.count == segments.count else { return nil }
        var literals = 0
        for (segment, value) in zip(segments, path) {
            guard case .literal(let l) = segment else { continue }
            guard Self.equalLowercased(value, l) else { return nil }
            literals += 1
        }
        return literals
    }

    /// The captured segments of a `path` that matches.
    func captures(_ path: [String]) -> RouteCaptures { RouteCaptures(slots: slots, path: path) }
}
