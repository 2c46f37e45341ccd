/// The `{name}` segments of a matched path: the pattern's capture names paired with the path's segments in place.
///
/// Nothing is copied or hashed: a dictionary of captures cost an allocation and a hash per capture on every
/// request, for three to five names looked up once each.
public struct RouteCaptures: Sendable, Sequence {
    /// Each capture's name and the index of its segment in `path`, from the pattern.
    let slots: [(name: String, segment: Int)]
    let path: [String]

    /// No captures (a request built in code for a handler).
    public init() {
        slots = []
        path = []
    }

    init(slots: [(name: String, segment: Int)], path: [String]) {
        self.slots = slots
        self.path = path
    }

    /// The decoded segment captured as `name`, or nil when the pattern has no such capture.
    public subscript(name: String) -> String? {
        for slot in slots where slot.name == name { return path[slot.segment] }
        return nil
    }

    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
        slots.lazy.map { (name: $0.name, value: path[$0.segment]) }.makeIterator()
    }
}
