/// The members of a JSON object, in order. Keys are unique; lookups fall back to a case-insensitive match
/// because ARM property names are case-insensitive on input.
public struct JSONObject: Sendable, Hashable, Sequence {
    public private(set) var members: [(key: String, value: JSON)]

    public init() { members = [] }

    /// Members in order; a repeated name (exactly equal) keeps its first position and takes the last value
    /// (RFC 8259 §4 leaves duplicates to the reader). Names differing only in case stay separate members.
    public init(_ members: [(String, JSON)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (k, v) in members {
            if let i = self.members.firstIndex(where: { $0.key == k }) {
                self.members[i].value = v
            } else {
                self.members.append((k, v))
            }
        }
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSON)]> { members.makeIterator() }

    private func index(of key: String) -> Int? {
        if let i = members.firstIndex(where: { $0.key == key }) { return i }
        return members.firstIndex(where: { Self.equalIgnoringASCIICase($0.key, key) })
    }

    /// ASCII case-insensitive comparison without allocating (ARM member names are ASCII).
    static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        // Lengths first (O(1) for native strings): every lookup of an absent member compares against them all.
        guard a.utf8.count == b.utf8.count else { return false }
        var x = a.utf8.makeIterator()
        var y = b.utf8.makeIterator()
        while true {
            switch (x.next(), y.next()) {
            case (nil, nil): return true
            case (let p?, let q?):
                if p == q { continue }
                let lp = p >= 65 && p <= 90 ? p + 32 : p
                let lq = q >= 65 && q <= 90 ? q + 32 : q
                if lp != lq { return false }
            default: return false
            }
        }
    }

    /// Reads a member; setting nil removes it, setting a value replaces in place or appends.
    public subscript(key: String) -> JSON? {
        get { index(of: key).map { members[$0].value } }
        set {
            if let i = index(of: key) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for (k, v) in members {
            hasher.combine(k)
            hasher.combine(v)
        }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSON)...) { self.init(elements) }
}
