import EmuCore

/// Reads typed values from a request's JSON by dotted path. A value of the wrong kind is a bad parameter
/// (400 `InvalidParameter` with the path as target, as CRP answers).
struct PropertyReader {
    let root: JSONObject
    /// Prefix for targets (`properties.storageProfile.dataDisks[1]`).
    let base: String

    init(_ root: JSONObject, base: String = "") {
        self.root = root
        self.base = base
    }

    func target(_ path: String) -> String { base.isEmpty ? path : "\(base).\(path)" }

    func value(_ path: String) -> JSON? {
        var current: JSON = .object(root)
        for key in path.split(separator: ".") {
            guard let next = current[String(key)], next != .null else { return nil }
            current = next
        }
        return current
    }

    private func wrongKind(_ path: String, _ v: JSON, _ expected: String) -> EngineError {
        .invalidParameter(
            message: "The value of parameter '\(target(path))' must be \(expected), not \(v.kindName).",
            target: target(path))
    }

    func string(_ path: String) throws(EngineError) -> String? {
        guard let v = value(path) else { return nil }
        guard let s = v.stringValue else { throw wrongKind(path, v, "a string") }
        return s
    }

    func requiredString(_ path: String) throws(EngineError) -> String {
        guard let s = try string(path), !s.isEmpty else {
            throw .invalidParameter(
                message: "Required parameter '\(target(path))' is missing (null).", target: target(path))
        }
        return s
    }

    func int(_ path: String) throws(EngineError) -> Int64? {
        guard let v = value(path) else { return nil }
        if let i = v.intValue { return i }
        if let s = v.stringValue, let i = Int64(s) { return i }
        throw wrongKind(path, v, "an integer")
    }

    func bool(_ path: String) throws(EngineError) -> Bool? {
        guard let v = value(path) else { return nil }
        if let b = v.boolValue { return b }
        if let s = v.stringValue?.lowercased(), s == "true" || s == "false" { return s == "true" }
        throw wrongKind(path, v, "a boolean")
    }

    func object(_ path: String) throws(EngineError) -> JSONObject? {
        guard let v = value(path) else { return nil }
        guard let o = v.objectValue else { throw wrongKind(path, v, "an object") }
        return o
    }

    func array(_ path: String) throws(EngineError) -> [JSON]? {
        guard let v = value(path) else { return nil }
        guard let a = v.arrayValue else { throw wrongKind(path, v, "an array") }
        return a
    }
}
