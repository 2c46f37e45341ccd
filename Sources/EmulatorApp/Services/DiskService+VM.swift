import ARMKit
import EmuCore
import RestorePointEngine

extension DiskService {
    /// The document of a disk a VM PUT creates (CONTRACT.md §4.1): in the VM's group, region and zones,
    /// `managedBy` the VM, its SKU from `managedDisk.storageAccountType`.
    static func document(
        for disk: NewDisk, id: ResourceID, location: String, zones: JSON?, vmID: String, now: Timestamp
    )
        -> JSONObject
    {
        var creation = JSONObject()
        creation["createOption"] = .string(disk.createOption)
        if let image = disk.imageReference { creation["imageReference"] = image }
        var props = JSONObject()
        if let os = disk.osType { props["osType"] = .string(os) }
        props["creationData"] = .object(creation)
        props["diskSizeGB"] = .int(disk.sizeGB)
        props["diskSizeBytes"] = .int(disk.sizeGB * 1_073_741_824)
        props["uniqueId"] = .string(GUID.make())
        props["timeCreated"] = .string(now.iso8601)
        if disk.sku.isInstantAccessCapable { props["logicalSectorSize"] = 4096 }
        props["encryption"] = ["type": "EncryptionAtRestWithPlatformKey"]
        props["networkAccessPolicy"] = "AllowAll"
        props["publicNetworkAccess"] = "Enabled"
        var arm = JSONObject()
        arm["name"] = .string(disk.name)
        arm["id"] = .string(id.string)
        arm["type"] = .string(ResourceType.disk)
        arm["location"] = .string(location)
        if let zones { arm["zones"] = zones }
        arm["managedBy"] = .string(vmID)
        arm["sku"] = ["name": .string(disk.sku.rawValue), "tier": .string(disk.sku.tier)]
        arm["properties"] = .object(props)
        return arm
    }
}
