import EmuCore

extension VirtualMachinePlanner {
    /// Plans one `osDisk` or `dataDisks[]` entry: attach an existing disk, create one, or keep an unmanaged or
    /// ephemeral disk as given (no managed disk resource exists for those).
    func planDisk(
        _ entry: JSONObject, target: String, isOS: Bool, lun: Int64?, osType: String?, imageReference: JSON?,
        creates: inout [NewDisk], ids: inout [String], claimed: inout Set<String>
    ) throws(EngineError) -> JSONObject {
        let reader = PropertyReader(entry, base: target)
        let option = try reader.requiredString("createOption")
        var out = entry
        if isOS, let osType { out["osType"] = .string(osType) }
        let unmanaged = try reader.string("vhd.uri") != nil
        let diffDisk = try reader.object("diffDiskSettings")
        let ephemeral = isOS && diffDisk != nil
        if unmanaged || ephemeral { return out }
        let requestedSKU = try reader.string("managedDisk.storageAccountType")
        var sku = DiskSKU.premiumLRS
        if let requestedSKU {
            guard let s = DiskSKU(name: requestedSKU) else {
                throw .invalidParameter(
                    message: "Storage account type '\(requestedSKU)' is not supported. Use one of: \(DiskSKU.names).",
                    target: "\(target).managedDisk.storageAccountType")
            }
            sku = s
        }
        switch option.lowercased() {
        case "attach":
            let id = try reader.requiredString("managedDisk.id")
            let disk = try claim(id: id, target: "\(target).managedDisk.id", claimed: &claimed)
            out["name"] = .string(disk.name)
            out["managedDisk"] = managedDisk(sku: disk.sku, id: disk.id)
            out["diskSizeGB"] = .int(disk.sizeGB)
            if isOS, let t = disk.osType { out["osType"] = .string(t) }
            ids.append(disk.id)
        case "fromimage" where isOS, "empty" where !isOS:
            let name = try reader.string("name") ?? defaultName(isOS: isOS, lun: lun)
            let id = diskID(name)
            if let existingDisk = lookupDisk(id) {
                // An update that lists a disk this VM created earlier keeps it.
                let disk = try claim(id: existingDisk.id, target: "\(target).name", claimed: &claimed)
                out["diskSizeGB"] = .int(disk.sizeGB)
                out["managedDisk"] = managedDisk(sku: disk.sku, id: disk.id)
            } else {
                let size = try reader.int("diskSizeGB") ?? (isOS ? 127 : nil)
                guard let size, (1...65_536).contains(size) else {
                    throw .invalidParameter(
                        message: "An Empty data disk needs 'diskSizeGB' between 1 and 65536.",
                        target: "\(target).diskSizeGB")
                }
                creates.append(
                    NewDisk(
                        name: name, sku: sku, sizeGB: size, osType: isOS ? osType : nil,
                        createOption: isOS ? "FromImage" : "Empty", imageReference: imageReference))
                out["diskSizeGB"] = .int(size)
                out["managedDisk"] = managedDisk(sku: sku, id: id)
                claimed.insert(id.lowercased())
            }
            out["name"] = .string(name)
            ids.append(id)
        default:
            let allowed = isOS ? "FromImage, Attach" : "Empty, Attach"
            throw .invalidParameter(
                message: "createOption '\(option)' is not supported for this disk. Use one of: \(allowed).",
                target: "\(target).createOption")
        }
        if out["caching"] == nil { out["caching"] = isOS ? "ReadWrite" : "None" }
        if out["deleteOption"] == nil { out["deleteOption"] = "Detach" }
        return out
    }

    private func defaultName(isOS: Bool, lun: Int64?) -> String {
        if isOS {
            if let name = existing?["storageProfile"]?["osDisk"]?["name"]?.stringValue { return name }
            return "\(vmName)_OsDisk_1_\(GUID.makeHex32())"
        }
        return "\(vmName)_DataDisk_\(lun ?? 0)"
    }

    private func managedDisk(sku: DiskSKU, id: String) -> JSON {
        ["storageAccountType": .string(sku.rawValue), "id": .string(id)]
    }

    /// The disk must exist, be attached to no other VM (unless shared) and appear once in this VM.
    private func claim(id: String, target: String, claimed: inout Set<String>) throws(EngineError) -> DiskFacts {
        guard let disk = lookupDisk(id) else {
            throw .invalidParameter(message: "Disk '\(id)' was not found.", target: target)
        }
        guard claimed.insert(disk.id.lowercased()).inserted else {
            throw .invalidParameter(message: "Disk '\(disk.name)' is listed twice in the VM.", target: target)
        }
        if let owner = disk.managedBy, owner.lowercased() != vmResourceID.lowercased(), disk.maxShares <= 1 {
            throw .operationNotAllowed(
                message:
                    "Disk '\(disk.name)' is already attached to VM '\(owner)'. Detach it first, or make it shareable (maxShares > 1)."
            )
        }
        return disk
    }
}
