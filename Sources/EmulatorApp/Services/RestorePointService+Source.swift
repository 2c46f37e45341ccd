import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// The source VM of a restore point as the rules and the snapshot need it, read in the creating transaction.
struct SourceSnapshot {
    let record: ResourceRecord
    let stored: StoredResource
    let vm: SourceVM
    /// The stored disk records by lower-cased id (managed disks only).
    let disks: [String: (ResourceRecord, StoredResource)]

    var properties: JSONObject { stored.properties }
    var location: String { record.location ?? "" }

    /// The VM's OS type, for the default consistency mode (CONTRACT.md §4.3).
    var osType: String {
        properties["storageProfile"]?["osDisk"]?["osType"]?.stringValue ?? "Linux"
    }

    /// Reads the VM and its disks; nil when the VM no longer exists (rule 7).
    static func load(_ app: AppContext, _ tx: ReadTransaction, vmID: String, now: Timestamp) throws(ARMError)
        -> SourceSnapshot?
    {
        guard let id = ResourceID.parse(vmID), let (record, stored) = try app.live(tx, id, now: now),
            stored.provisioning.deleteAt == nil
        else { return nil }
        let storage = stored.properties["storageProfile"]?.objectValue ?? JSONObject()
        var entries: [(JSONObject, Bool)] = []
        if let os = storage["osDisk"]?.objectValue { entries.append((os, true)) }
        for d in storage["dataDisks"]?.arrayValue ?? [] { if let o = d.objectValue { entries.append((o, false)) } }
        var disks: [SourceDisk] = []
        var records: [String: (ResourceRecord, StoredResource)] = [:]
        for (entry, isOS) in entries {
            let name = entry["name"]?.stringValue ?? ""
            let lun = entry["lun"]?.intValue
            if let uri = entry["vhd"]?["uri"]?.stringValue {
                disks.append(SourceDisk(id: uri, name: name, sku: nil, isManaged: false, isOSDisk: isOS, lun: lun))
                continue
            }
            if isOS, entry["diffDiskSettings"] != nil {
                disks.append(SourceDisk(id: name, name: name, sku: nil, isEphemeral: true, isOSDisk: true))
                continue
            }
            guard let diskID = entry["managedDisk"]?["id"]?.stringValue, let did = ResourceID.parse(diskID),
                let (diskRecord, disk) = try app.live(tx, did, now: now)
            else { continue }
            records[diskRecord.key] = (diskRecord, disk)
            disks.append(
                SourceDisk(
                    id: diskRecord.id, name: diskRecord.name,
                    sku: disk.arm["sku"]?["name"]?.stringValue.flatMap(DiskSKU.init(name:)),
                    maxShares: disk.properties["maxShares"]?.intValue ?? 1, isOSDisk: isOS, lun: lun))
        }
        let vm = SourceVM(
            vmSize: stored.properties["hardwareProfile"]?["vmSize"]?.stringValue ?? "",
            diskControllerType: storage["diskControllerType"]?.stringValue,
            securityType: stored.properties["securityProfile"]?["securityType"]?.stringValue, disks: disks)
        return SourceSnapshot(record: record, stored: stored, vm: vm, disks: records)
    }

    /// `sourceMetadata`: a copy of the VM at this moment, with only the included disks (CONTRACT.md §4.3).
    func sourceMetadata(included: [SourceDisk]) -> JSONObject {
        let keep = Set(included.map { $0.id.lowercased() })
        let p = properties
        var storage = JSONObject()
        let profile = p["storageProfile"]?.objectValue ?? JSONObject()
        func diskEntry(_ entry: JSONObject, isOS: Bool) -> JSON? {
            let id =
                (entry["managedDisk"]?["id"]?.stringValue ?? entry["vhd"]?["uri"]?.stringValue ?? entry["name"]?
                    .stringValue ?? "")
            guard keep.contains(id.lowercased()) else { return nil }
            var out = JSONObject()
            if isOS { out["osType"] = entry["osType"] ?? "Linux" } else { out["lun"] = entry["lun"] ?? 0 }
            out["name"] = entry["name"]
            out["caching"] = entry["caching"] ?? (isOS ? "ReadWrite" : "None")
            out["diskSizeGB"] = entry["diskSizeGB"]
            if let managed = entry["managedDisk"]?.objectValue { out["managedDisk"] = .object(managed) }
            if !isOS { out["writeAcceleratorEnabled"] = entry["writeAcceleratorEnabled"] ?? false }
            return .object(out)
        }
        if let os = profile["osDisk"]?.objectValue, let entry = diskEntry(os, isOS: true) { storage["osDisk"] = entry }
        storage["dataDisks"] = .array(
            (profile["dataDisks"]?.arrayValue ?? []).compactMap {
                $0.objectValue.flatMap { diskEntry($0, isOS: false) }
            })
        // Real traffic (reference/arm-spec.md §6.1): a SCSI VM's sourceMetadata has no diskControllerType; only a
        // controller other than the default is worth copying.
        if let controller = profile["diskControllerType"], controller.stringValue?.lowercased() != "scsi" {
            storage["diskControllerType"] = controller
        }
        var meta = JSONObject()
        meta["hardwareProfile"] = p["hardwareProfile"]
        meta["storageProfile"] = .object(storage)
        for key in ["osProfile", "diagnosticsProfile", "licenseType", "securityProfile"] where p[key] != nil {
            meta[key] = p[key]
        }
        meta["vmId"] = p["vmId"]
        meta["location"] = .string(location)
        for key in ["userData", "hyperVGeneration"] where p[key] != nil { meta[key] = p[key] }
        return meta
    }
}
