/// Header fields in arrival order; names compare case-insensitively (RFC 9110 §5.1).
public struct HTTPHeaders: Sendable, Sequence, Equatable {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }

    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        for f in fields where Self.equalNames(f.name, name) { return f.value }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        // One loop and no array when there is no such field: the parser asks for three names per request.
        var values: [String] = []
        for f in fields where Self.equalNames(f.name, name) { values.append(f.value) }
        return values
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Room for `n` fields in all, so that adding up to that many does not grow the storage again.
    public mutating func reserveCapacity(_ n: Int) { fields.reserveCapacity(n) }

    /// Replaces every field called `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        // Usually there is none: a response gets seven standard fields set one after the other.
        if contains(name) { remove(name) }
        fields.append((name, value))
    }

    /// `set` for each of `new`, whose names are distinct, in order: one pass over the fields already there and one
    /// growth of the array, where a response's seven standard fields set one at a time made seven of each.
    public mutating func set(_ new: [(name: String, value: String)]) {
        fields.removeAll { old in new.contains { Self.equalNames(old.name, $0.name) } }
        fields.reserveCapacity(fields.count + new.count)
        fields.append(contentsOf: new)
    }

    public mutating func remove(_ name: String) { fields.removeAll { Self.equalNames($0.name, name) } }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// ASCII case-insensitive comparison without allocating, on the strings' UTF-8 in place (`zip` over the two
    /// views cost ~2 % of a GET: names are compared several times per request).
    static func equalNames(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let inPlace = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                for i in 0..<x.count where !equalBytes(x[i], y[i]) { return false }
                return true
            }
        }
        if let inPlace, let equal = inPlace { return equal }
        return zip(a.utf8, b.utf8).allSatisfy(equalBytes)
    }

    /// Equal bytes, or the same ASCII letter in another case.
    private static func equalBytes(_ p: UInt8, _ q: UInt8) -> Bool {
        p == q || (p | 0x20 == q | 0x20 && (p | 0x20) &- 0x61 < 26)
    }
}
