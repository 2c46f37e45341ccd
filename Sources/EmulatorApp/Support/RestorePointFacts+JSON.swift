import EmuCore
import RestorePointEngine

/// How restore point facts are kept inside a stored body (`internal.facts`). Times are ticks, so a round trip is
/// exact.
extension RestorePointFacts {
    var json: JSON {
        var o = JSONObject()
        o["startedAt"] = .int(startedAt.ticks)
        o["timeCreated"] = .int(timeCreated.ticks)
        o["createSeconds"] = .double(createSeconds)
        o["instantAccessMinutes"] = .int(instantAccessMinutes)
        o["collectionInstantAccess"] = .bool(collectionInstantAccess)
        if let failure { o["failure"] = ["code": .string(failure.code), "message": .string(failure.message)] }
        o["disks"] = .array(disks.map(\.json))
        return .object(o)
    }

    init?(json: JSON) {
        guard let started = json["startedAt"]?.intValue, let created = json["timeCreated"]?.intValue,
            let create = json["createSeconds"]?.doubleValue, let minutes = json["instantAccessMinutes"]?.intValue,
            let disks = json["disks"]?.arrayValue
        else { return nil }
        let failure = json["failure"].flatMap { f -> Failure? in
            guard let code = f["code"]?.stringValue, let message = f["message"]?.stringValue else { return nil }
            return Failure(code: code, message: message)
        }
        self.init(
            startedAt: Timestamp(ticks: started), timeCreated: Timestamp(ticks: created), createSeconds: create,
            instantAccessMinutes: minutes, collectionInstantAccess: json["collectionInstantAccess"]?.boolValue ?? false,
            failure: failure, disks: disks.compactMap(DiskRestorePointFacts.init(json:)))
    }
}

extension DiskRestorePointFacts {
    var json: JSON {
        var o = JSONObject()
        o["name"] = .string(name)
        o["sourceResourceId"] = .string(sourceResourceID)
        o["sourceDiskName"] = .string(sourceDiskName)
        o["sourceUniqueId"] = .string(sourceUniqueID)
        o["sku"] = .string(sku.rawValue)
        o["diskSizeGB"] = .int(diskSizeGB)
        o["sizeBytes"] = .int(sizeBytes)
        o["familyId"] = .string(familyID)
        if let osType { o["osType"] = .string(osType) }
        o["isOSDisk"] = .bool(isOSDisk)
        if let lun { o["lun"] = .int(lun) }
        if let logicalSectorSize { o["logicalSectorSize"] = .int(logicalSectorSize) }
        o["copySeconds"] = .double(copySeconds)
        o["instantAccess"] = .bool(instantAccess)
        o["reportInterval"] = .double(reportInterval)
        if let r = replication {
            o["replication"] = [
                "sourceLocation": .string(r.sourceLocation), "seconds": .double(r.seconds),
                "reportInterval": .double(r.reportInterval),
            ]
        }
        return .object(o)
    }

    init?(json: JSON) {
        guard let name = json["name"]?.stringValue, let source = json["sourceResourceId"]?.stringValue,
            let sku = json["sku"]?.stringValue.flatMap(DiskSKU.init(name:)), let size = json["sizeBytes"]?.intValue,
            let family = json["familyId"]?.stringValue
        else { return nil }
        let replication = json["replication"].flatMap { r -> Replication? in
            guard let location = r["sourceLocation"]?.stringValue, let seconds = r["seconds"]?.doubleValue else {
                return nil
            }
            return Replication(
                sourceLocation: location, seconds: seconds, reportInterval: r["reportInterval"]?.doubleValue ?? 600)
        }
        self.init(
            name: name, sourceResourceID: source, sourceDiskName: json["sourceDiskName"]?.stringValue ?? "",
            sourceUniqueID: json["sourceUniqueId"]?.stringValue ?? "", sku: sku,
            diskSizeGB: json["diskSizeGB"]?.intValue ?? 0, sizeBytes: size, familyID: family,
            osType: json["osType"]?.stringValue, isOSDisk: json["isOSDisk"]?.boolValue ?? false,
            lun: json["lun"]?.intValue, logicalSectorSize: json["logicalSectorSize"]?.intValue,
            copySeconds: json["copySeconds"]?.doubleValue ?? 0,
            instantAccess: json["instantAccess"]?.boolValue ?? false,
            replication: replication,
            reportInterval: json["reportInterval"]?.doubleValue ?? ReplicationReporting.defaultInterval)
    }
}

extension SnapshotLineage {
    var json: JSON {
        var o = JSONObject()
        o["familyId"] = .string(familyID)
        if let last = lastSnapshotAt { o["lastSnapshotAt"] = .int(last.ticks) }
        o["pendingBytes"] = .int(pendingBytes)
        return .object(o)
    }

    init?(json: JSON?) {
        guard let json, let family = json["familyId"]?.stringValue else { return nil }
        self.init(
            familyID: family, lastSnapshotAt: json["lastSnapshotAt"]?.intValue.map { Timestamp(ticks: $0) },
            pendingBytes: json["pendingBytes"]?.intValue ?? 0)
    }
}
