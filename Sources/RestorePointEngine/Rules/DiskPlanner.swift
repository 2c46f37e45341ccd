import EmuCore

/// What a disk PUT stores: its SKU and `properties` (without the values the app keeps: `uniqueId`,
/// `timeCreated`, `diskState`, `provisioningState`).
public struct DiskPlan: Sendable, Equatable {
    public var sku: DiskSKU
    public var properties: JSONObject
}

/// Validates a disk PUT (CONTRACT.md §4.1; `Restore` from a disk restore point arrives with §5.3).
public enum DiskPlanner {
    /// Plans a create (`existing` nil) or an update of the disk's properties.
    public static func plan(body: JSONObject, existing: DiskFacts?, existingProperties: JSONObject?) throws(EngineError)
        -> DiskPlan
    {
        let reader = PropertyReader(body)
        var sku = existing?.sku ?? .standardLRS
        if let name = try reader.string("sku.name") {
            guard let s = DiskSKU(name: name) else {
                throw .invalidParameter(
                    message: "Disk SKU '\(name)' is not supported. Use one of: \(DiskSKU.names).", target: "sku.name")
            }
            sku = s
        }
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
                // CONTRACT.md §5.3: restoring needs an existing disk restore point; none exist before restore points do.
                throw .invalidParameter(
                    message: "The disk restore point '\(source)' was not found.",
                    target: "properties.creationData.sourceResourceId")
            default:
                throw .invalidParameter(
                    message: "createOption '\(option)' is not supported by the emulator. Use Empty or Restore.",
                    target: "properties.creationData.createOption")
            }
        }
        let size = try p.int("diskSizeGB") ?? existing?.sizeGB ?? 0
        props["diskSizeGB"] = .int(size)
        props["diskSizeBytes"] = .int(size * 1_073_741_824)
        let shares = try p.int("maxShares") ?? 1
        guard shares >= 1 else {
            throw .invalidParameter(message: "maxShares must be at least 1.", target: "properties.maxShares")
        }
        if sku.isInstantAccessCapable {
            let sector = try p.int("logicalSectorSize") ?? 4096
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
