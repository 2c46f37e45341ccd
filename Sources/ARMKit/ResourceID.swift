/// An ARM resource id: `/subscriptions/{sub}[/resourceGroups/{rg}[/providers/{ns}/{type}/{name}[/{type}/{name}]...]]`.
///
/// Segments compare case-insensitively (CONTRACT.md §2 "Names and ids"): `key` is the lower-cased form used for
/// lookups, `string` keeps the case the resource was created with.
public struct ResourceID: Sendable, Hashable, CustomStringConvertible {
    /// One `{type}/{name}` step below the provider namespace.
    public struct Step: Sendable, Hashable {
        public var type: String
        public var name: String
        public init(type: String, name: String) {
            self.type = type
            self.name = name
        }
    }

    public var subscription: String
    public var resourceGroup: String?
    public var namespace: String?
    public var steps: [Step]

    public init(subscription: String, resourceGroup: String? = nil, namespace: String? = nil, steps: [Step] = []) {
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.namespace = namespace
        self.steps = steps
    }

    public var string: String { spelled(lowercased: false).text }

    public var description: String { string }

    /// The lower-cased id: the identity of the resource.
    public var key: String {
        // ASCII is lower-cased while the id is spelled; a name with other letters takes the Unicode way.
        let spelled = spelled(lowercased: true)
        return spelled.isASCII ? spelled.text : string.lowercased()
    }

    /// The id's UTF-8 written once into a string of the exact length, ASCII capitals lower-cased when `lowercased`,
    /// and whether it is all ASCII. Ids are spelled several times per request, and appending piece by piece
    /// went through `String`'s append checks for each: 2.6 % of a restore point GET's CPU (docs/performance.md).
    private func spelled(lowercased: Bool) -> (text: String, isASCII: Bool) {
        var count = 15 + subscription.utf8.count  // "/subscriptions/"
        if let resourceGroup { count += 16 + resourceGroup.utf8.count }  // "/resourceGroups/"
        if let namespace {
            count += 11 + namespace.utf8.count  // "/providers/"
            for step in steps { count += 2 + step.type.utf8.count + step.name.utf8.count }
        }
        var ascii = true
        let text = String(unsafeUninitializedCapacity: count) { buffer in
            var writer = Writer(buffer: buffer, lowercased: lowercased)
            writer.put(literal: "/subscriptions/")
            writer.put(subscription)
            if let resourceGroup {
                writer.put(literal: "/resourceGroups/")
                writer.put(resourceGroup)
            }
            if let namespace {
                writer.put(literal: "/providers/")
                writer.put(namespace)
                for step in steps {
                    writer.put(literal: "/")
                    writer.put(step.type)
                    writer.put(literal: "/")
                    writer.put(step.name)
                }
            }
            ascii = writer.isASCII
            return writer.count
        }
        return (text, ascii)
    }

    /// Copies pieces' UTF-8 into a buffer, in place: a struct, so that nothing it counts is boxed (nested functions
    /// capturing the counters made every call check exclusive access at run time).
    private struct Writer {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        let lowercased: Bool
        var count = 0
        /// Only counted when `lowercased`.
        var isASCII = true

        init(buffer: UnsafeMutableBufferPointer<UInt8>, lowercased: Bool) {
            self.buffer = buffer
            self.lowercased = lowercased
        }

        mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard lowercased else {  // as spelled: a copy (whether it is ASCII matters only to the key)
                _ = UnsafeMutableBufferPointer(rebasing: buffer[count..<count + bytes.count]).initialize(
                    fromContentsOf: bytes)
                count += bytes.count
                return
            }
            for i in 0..<bytes.count {
                let byte = bytes[i]
                if byte >= 0x80 { isASCII = false }
                buffer[count + i] = byte &- 0x41 < 26 ? byte | 0x20 : byte  // A–Z
            }
            count += bytes.count
        }

        mutating func put(literal: StaticString) { literal.withUTF8Buffer { put($0) } }

        /// The piece's bytes in place, not through `String.UTF8View`'s iterator, which was most of the cost.
        mutating func put(_ piece: String) {
            if piece.utf8.withContiguousStorageIfAvailable({ put($0) }) == nil {
                Array(piece.utf8).withUnsafeBufferPointer { put($0) }
            }
        }
    }

    /// The last name in the id (the resource's own name).
    public var name: String { steps.last?.name ?? resourceGroup ?? subscription }

    /// `Microsoft.Compute/restorePointCollections/restorePoints`, or `Microsoft.Resources/resourceGroups`.
    public var fullType: String {
        guard let namespace else {
            return resourceGroup == nil ? "Microsoft.Resources/subscriptions" : "Microsoft.Resources/resourceGroups"
        }
        return ([namespace] + steps.map(\.type)).joined(separator: "/")
    }

    /// The id one level up (a restore point's collection; a collection's resource group).
    public var parent: ResourceID? {
        if steps.count > 1 {
            return ResourceID(
                subscription: subscription, resourceGroup: resourceGroup, namespace: namespace,
                steps: Array(steps.dropLast()))
        }
        if namespace != nil || resourceGroup != nil {
            return ResourceID(subscription: subscription, resourceGroup: namespace != nil ? resourceGroup : nil)
        }
        return nil
    }

    /// The id of a child resource.
    public func child(type: String, name: String) -> ResourceID {
        ResourceID(
            subscription: subscription, resourceGroup: resourceGroup, namespace: namespace,
            steps: steps + [Step(type: type, name: name)])
    }

    /// The resource group's own id.
    public var resourceGroupID: ResourceID? {
        resourceGroup.map { ResourceID(subscription: subscription, resourceGroup: $0) }
    }

    /// Parses an id, accepting any case in the fixed segments; nil when it is not an id of this shape.
    public static func parse(_ text: String) -> ResourceID? {
        // Split on the byte, not on Characters: grapheme breaking made the split most of a parse, and ids are
        // parsed several times per restore point create (the VM's disk references).
        let parts = text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map(Substring.init)
        guard parts.count >= 3, parts[0].isEmpty, parts[1].lowercased() == "subscriptions", !parts[2].isEmpty,
            parts.dropFirst(2).allSatisfy({ !$0.isEmpty })
        else { return nil }
        var id = ResourceID(subscription: String(parts[2]))
        var i = 3
        if i + 1 < parts.count, parts[i].lowercased() == "resourcegroups" {
            id.resourceGroup = String(parts[i + 1])
            i += 2
        }
        guard i < parts.count else { return id }
        guard i + 1 < parts.count, parts[i].lowercased() == "providers" else { return nil }
        id.namespace = String(parts[i + 1])
        i += 2
        let rest = Array(parts[i...])
        guard !rest.isEmpty, rest.count % 2 == 0 else { return nil }
        for j in stride(from: 0, to: rest.count, by: 2) {
            id.steps.append(Step(type: String(rest[j]), name: String(rest[j + 1])))
        }
        return id
    }
}
