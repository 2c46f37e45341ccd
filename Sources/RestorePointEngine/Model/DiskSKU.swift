/// Managed disk SKUs (CONTRACT.md §4.1). PV2 and Ultra are the ones instant access applies to (§5.2).
public enum DiskSKU: String, Sendable, CaseIterable {
    case standardLRS = "Standard_LRS"
    case standardSSDLRS = "StandardSSD_LRS"
    case premiumLRS = "Premium_LRS"
    case premiumV2LRS = "PremiumV2_LRS"
    case ultraSSDLRS = "UltraSSD_LRS"
    case premiumZRS = "Premium_ZRS"
    case standardSSDZRS = "StandardSSD_ZRS"

    /// Parses a SKU name case-insensitively.
    public init?(name: String) {
        guard let sku = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = sku
    }

    /// PremiumV2_LRS or UltraSSD_LRS: the disks with instant access snapshots and a background copy.
    public var isInstantAccessCapable: Bool { self == .premiumV2LRS || self == .ultraSSDLRS }

    /// The `sku.tier` Azure shows beside the name.
    public var tier: String {
        switch self {
        case .standardLRS: "Standard"
        case .standardSSDLRS, .standardSSDZRS: "StandardSSD"
        case .premiumLRS, .premiumZRS: "Premium"
        case .premiumV2LRS: "PremiumV2"
        case .ultraSSDLRS: "Ultra"
        }
    }

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
