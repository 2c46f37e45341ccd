import ARMKit
import EmuHTTP

/// The operation names fault rules match on (docs/faults.md), derived from each ARM route: the resource type the
/// path names, then a verb. A path ending in `{name}` is `get` (GET), `exists` (HEAD), `create` (PUT, create or
/// update), `update` (PATCH) or `delete` (DELETE); a path ending in a type is `list`; a POST to
/// `{type}/{name}/{action}` is `{type}.{action}`. ARMKit knows nothing of these names.
enum FaultOperation {
    static let restorePointCreate = "restorePoints.create"

    /// Every name the route table yields, in the documented spelling (a test keeps the two in step).
    static let vocabulary = [
        "subscriptions.list", "subscriptions.get",
        "resourceGroups.list", "resourceGroups.create", "resourceGroups.get", "resourceGroups.exists",
        "resourceGroups.delete",
        "virtualMachines.list", "virtualMachines.create", "virtualMachines.get", "virtualMachines.delete",
        "disks.list", "disks.create", "disks.get", "disks.delete",
        "restorePointCollections.list", "restorePointCollections.create", "restorePointCollections.update",
        "restorePointCollections.get", "restorePointCollections.delete",
        "restorePoints.create", "restorePoints.get", "restorePoints.delete",
        "diskRestorePoints.list", "diskRestorePoints.get", "diskRestorePoints.beginGetAccess",
        "diskRestorePoints.endGetAccess",
        "operations.get",
    ]

    /// `name` in its documented spelling, `*` for `*`, or nil when it is not an operation name.
    static func canonical(_ name: String) -> String? {
        if name == "*" { return "*" }
        return vocabulary.first { $0.lowercased() == name.lowercased() }
    }

    /// The operation a route serves, e.g. `restorePoints.create` for PUT `.../restorePoints/{restorePointName}`.
    static func name(of route: ARMRoute) -> String {
        let parts = route.pattern.description.split(separator: "/").map(String.init)
        func isCapture(_ s: String) -> Bool { s.hasPrefix("{") }
        guard let last = parts.last else { return "*" }
        let derived: String
        if !isCapture(last) {
            derived =
                route.method == .post && parts.count >= 3 ? "\(parts[parts.count - 3]).\(last)" : "\(last).list"
        } else {
            let type = parts.count >= 2 ? parts[parts.count - 2] : "?"
            let verb: String
            switch route.method {
            case .head: verb = "exists"
            case .put: verb = "create"
            case .patch: verb = "update"
            case .delete: verb = "delete"
            default: verb = "get"
            }
            derived = "\(type).\(verb)"
        }
        return canonical(derived) ?? derived
    }

    /// The ARM id a request acts on: its path, without the action segment for a POST (`.../beginGetAccess`).
    static func resource(of request: ARMRequest) -> String {
        let s = request.http.pathSegments
        return "/" + (request.http.method == .post ? s.dropLast() : s[...]).joined(separator: "/")
    }
}
