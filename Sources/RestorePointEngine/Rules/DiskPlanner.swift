import EmuCore

/// What a disk PUT stores: its SKU and `properties` (without the values the app keeps: `uniqueId`,
/// `timeCreated`, `diskState`, `provisioningState`).
public struct DiskPlan: Sendable, Equatable {
    public var sku: DiskSKU
    public var properties: JSONObject
}

/// Validates a disk PUT (CONTRACT.md §4.1, and §5.3 for `Restore` from a disk restore point).
public enum DiskPlanner {
    /// Plans a create (`existing` nil) or an update of the disk's properties. `restore` is the disk restore point a
    /// `Restore` create names, resolved by the caller (nil when it does not exist).
    public static func plan(
        body: JSONObject, existing: DiskFacts?, existingProperties: JSONObject?, restore: RestoreSource? = nil,
        limits: Limits = Limits()
    ) throws(EngineError)
        -> DiskPlan
    {
        let reader = PropertyReader(body)
        var givenSKU: DiskSKU?
        if let name = try reader.string("sku.name") {
            guard let s = DiskSKU(name: name) else {
                throw .invalidParameter(
                    message: "Disk SKU '\(name)' is not supported. Use one of: \(DiskSKU.names).", target: "sku.name")
            }
            givenSKU = s
        }
        var restoring: RestoreSource?
        var props = existingProperties ?? JSONObject()
        for (key, value) in try reader.object("properties") ?? JSONObject() { props[key] = value }
        let p = PropertyReader(props, base: "properties")

        if let existingProperties {
            if let old = existingProperties["creationData"], let new = body["properties"]?["creationData"], old != new {
                throw .propertyChangeNotAllowed(property: "creationData")
            }
            if let existing, let size = try p.int("diskSizeGB"), size < existing.sizeGB {
                throw .invalidParameter(
                    message:
                        "Disk size can only be increased: \(size) GB is less than the current \(existing.sizeGB) GB.",
                    target: "properties.diskSizeGB")
            }
        } else {
            let option = try p.requiredString("creationData.createOption")
            switch option.lowercased() {
            case "empty":
                guard let size = try p.int("diskSizeGB"), (1...65_536).contains(size) else {
                    throw .invalidParameter(
                        message: "An Empty disk needs 'diskSizeGB' between 1 and 65536.",
                        target: "properties.diskSizeGB")
                }
            case "restore":
                let source = try p.requiredString("creationData.sourceResourceId")
                guard let restore, restore.id.lowercased() == source.lowercased() else {
                    throw .invalidParameter(
                        message: "The disk restore point '\(source)' was not found.",
                        target: "properties.creationData.sourceResourceId")
                }
                restoring = restore
            default:
                throw .invalidParameter(
                    message: "createOption '\(option)' is not supported by the emulator. Use Empty or Restore.",
                    target: "properties.creationData.createOption")
            }
        }
        // A restore defaults to the source's SKU and size (emulator choice for the SKU, §5.3 for the size).
        let sku = givenSKU ?? existing?.sku ?? restoring?.sku ?? .standardLRS
        let size = try p.int("diskSizeGB") ?? existing?.sizeGB ?? restoring?.diskSizeGB ?? 0
        if let restoring {
            try restoring.check(sku: sku, sizeGB: size, limits: limits)
            if props["osType"] == nil, let os = restoring.osType { props["osType"] = .string(os) }
        }
        props["diskSizeGB"] = .int(size)
        props["diskSizeBytes"] = .int(size * 1_073_741_824)
        let shares = try p.int("maxShares") ?? 1
        guard shares >= 1 else {
            throw .invalidParameter(message: "maxShares must be at least 1.", target: "properties.maxShares")
        }
        if sku.isInstantAccessCapable {
            let sector = try p.int("logicalSectorSize") ?? restoring?.logicalSectorSize ?? 4096
            guard sector == 512 || sector == 4096 else {
                throw .invalidParameter(
                    message: "logicalSectorSize must be 512 or 4096.", target: "properties.logicalSectorSize")
            }
            props["logicalSectorSize"] = .int(sector)
        }
        if props["encryption"] == nil { props["encryption"] = ["type": "EncryptionAtRestWithPlatformKey"] }
        if props["networkAccessPolicy"] == nil { props["networkAccessPolicy"] = "AllowAll" }
        if props["publicNetworkAccess"] == nil { props["publicNetworkAccess"] = "Enabled" }
        for computed in ["provisioningState", "diskState", "uniqueId", "timeCreated"] { props[computed] = nil }
        return DiskPlan(sku: sku, properties: props)
    }
}
