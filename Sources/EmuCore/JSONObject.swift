/// The members of a JSON object, in order. Keys are unique; lookups fall back to a case-insensitive match
/// because ARM property names are case-insensitive on input.
public struct JSONObject: Sendable, Hashable, Sequence {
    public private(set) var members: [(key: String, value: JSON)]

    public init() { members = [] }

    public init(_ members: [(String, JSON)]) {
        self.members = []
        for (k, v) in members { self[k] = v }
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSON)]> { members.makeIterator() }

    private func index(of key: String) -> Int? {
        if let i = members.firstIndex(where: { $0.key == key }) { return i }
        let lower = key.lowercased()
        return members.firstIndex(where: { $0.key.lowercased() == lower })
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
