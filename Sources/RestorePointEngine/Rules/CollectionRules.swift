/// Rules for restore point collection writes (CONTRACT.md §4.2).
public enum CollectionRules {
    /// Only `tags` and `properties.instantAccess` may change after creation: a different `location` or
    /// `source.id` → 400 `PropertyChangeNotAllowed`. Comparisons are case-insensitive, as ARM ids are.
    public static func checkUpdate(
        existingLocation: String, existingSourceID: String, newLocation: String?, newSourceID: String?
    ) throws(EngineError) {
        if let newLocation, normalize(newLocation) != normalize(existingLocation) {
            throw .propertyChangeNotAllowed(property: "location")
        }
        if let newSourceID, newSourceID.lowercased() != existingSourceID.lowercased() {
            throw .propertyChangeNotAllowed(property: "source.id")
        }
    }

    /// The per-subscription-and-region limit on collections.
    public static func checkCount(_ existing: Int, limits: Limits, location: String) throws(EngineError) {
        guard existing < limits.restorePointCollectionsPerRegion else {
            throw .limitReached(
                code: "OperationNotAllowed",
                message: "The subscription already has \(existing) restore point collections in region '\(location)'; "
                    + "the limit is \(limits.restorePointCollectionsPerRegion) (limits.restorePointCollectionsPerRegion)."
            )
        }
    }

    /// `East US 2` and `eastus2` name the same region.
    public static func normalize(_ location: String) -> String {
        location.lowercased().filter { $0 != " " }
    }
}
