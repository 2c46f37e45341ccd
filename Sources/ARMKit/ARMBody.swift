import EmuCore

/// Typed access to a request body by dotted path (`properties.source.id`). A member of the wrong JSON kind
/// → 400 `InvalidRequestContent` naming the path, as ARM's deserializer does (CONTRACT.md §7).
public struct ARMBody: Sendable {
    public let object: JSONObject

    public init(_ object: JSONObject) { self.object = object }

    /// The value at `path`, or nil when any step is missing or null.
    public func value(_ path: String) -> JSON? {
        var current: JSON = .object(object)
        for key in path.split(separator: ".") {
            guard let next = current[String(key)], next != .null else { return nil }
            current = next
        }
        return current
    }

    /// The value at `path` for the typed getters: like `value(_:)`, but a step through a member that is not an
    /// object (`"properties": "x"` read at `properties.source`) is the 400 naming that member, not a silent nil.
    private func lookup(_ path: String) throws(ARMError) -> JSON? {
        var current: JSON = .object(object)
        var walked: [Substring] = []
        for key in path.split(separator: ".") {
            guard case .object(let members) = current else {
                throw mismatch(walked.joined(separator: "."), current, "Object")
            }
            guard let next = members[String(key)], next != .null else { return nil }
            walked.append(key)
            current = next
        }
        return current
    }

    private func mismatch(_ path: String, _ value: JSON, _ expected: String) -> ARMError {
        .invalidRequestContent(
            "Error converting value \(value.text) of type '\(value.kindName)' to type '\(expected)'. Path '\(path)'")
    }

    public func string(_ path: String) throws(ARMError) -> String? {
        guard let v = try lookup(path) else { return nil }
        guard let s = v.stringValue else { throw mismatch(path, v, "String") }
        return s
    }

    public func bool(_ path: String) throws(ARMError) -> Bool? {
        guard let v = try lookup(path) else { return nil }
        if let b = v.boolValue { return b }
        // JSON.NET accepts "true"/"false" strings for booleans.
        if let s = v.stringValue?.lowercased(), s == "true" || s == "false" { return s == "true" }
        throw mismatch(path, v, "Boolean")
    }

    public func int(_ path: String) throws(ARMError) -> Int64? {
        guard let v = try lookup(path) else { return nil }
        if let i = v.intValue { return i }
        if let s = v.stringValue, let i = Int64(s) { return i }
        throw mismatch(path, v, "Int32")
    }

    public func object(_ path: String) throws(ARMError) -> JSONObject? {
        guard let v = try lookup(path) else { return nil }
        guard let o = v.objectValue else { throw mismatch(path, v, "Object") }
        return o
    }

    public func array(_ path: String) throws(ARMError) -> [JSON]? {
        guard let v = try lookup(path) else { return nil }
        guard let a = v.arrayValue else { throw mismatch(path, v, "Array") }
        return a
    }

    /// A `{"key": "string"}` object (ARM `tags`); values must be strings.
    public func tags(_ path: String = "tags") throws(ARMError) -> JSONObject? {
        guard let o = try object(path) else { return nil }
        for (k, v) in o where v.stringValue == nil {
            throw mismatch("\(path).\(k)", v, "String")
        }
        return o
    }
}
