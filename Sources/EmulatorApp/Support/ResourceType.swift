/// Canonical ARM type names, as responses spell them (reference/arm-spec.md §0).
enum ResourceType {
    static let resourceGroup = "Microsoft.Resources/resourceGroups"
    static let virtualMachine = "Microsoft.Compute/virtualMachines"
    static let disk = "Microsoft.Compute/disks"
    static let collection = "Microsoft.Compute/restorePointCollections"

    /// The lower-cased form the store indexes by.
    static func key(_ type: String) -> String { type.lowercased() }
}
