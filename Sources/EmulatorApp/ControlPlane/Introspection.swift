import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// `GET /_emulator/resources/{armId}[/timeline]` and `POST /_emulator/disks/{armId}/writes` (CONTRACT.md §6, §8.3):
/// the internal view of a resource, its past and scheduled state changes, and explicit disk writes.
struct Introspection: Sendable {
    let app: AppContext

    /// The internal view: stored facts, the document as ARM shows it now, and for a restore point its disks' sizes,
    /// lineages and deadlines.
    func resource(_ armID: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        guard let id = ResourceID.parse(armID) else { throw notAnID(armID) }
        return try app.db.read { tx throws(ARMError) in
            if id.steps.count == 3, let rp = id.parent, let (_, stored) = try app.live(tx, rp, now: now),
                let facts = RestorePointFacts(json: stored.internalFacts["facts"] ?? .null),
                let disk = facts.disks.first(where: { $0.name.lowercased() == id.name.lowercased() })
            {
                // The SAS grant, if any, and whether it is active (CONTRACT.md §8.3).
                let grant = try app.store(tx.resource(key: AccessService.grantID(id).key))?.stored.flatMap(
                    AccessGrant.init)
                var sas: JSON = .null
                if let grant {
                    sas = [
                        "active": .bool(grant.isActive(at: now)), "grantedAt": .string(grant.grantedAt.iso8601),
                        "expiresAt": .string(grant.expiresAt.iso8601),
                        "revokedAt": grant.revokedAt.map { .string($0.iso8601) } ?? .null,
                    ]
                }
                return ARMResponse(
                    status: 200,
                    body: [
                        "id": .string(id.string), "now": .string(now.iso8601), "disk": view(disk, facts, now),
                        "accessGrant": sas,
                    ])
            }
            guard let record = try app.store(tx.resource(key: id.key)), let stored = record.stored else {
                throw ARMError(status: 404, code: "ResourceNotFound", message: "rpemu stores nothing at '\(armID)'.")
            }
            var o = JSONObject()
            o["id"] = .string(record.id)
            o["type"] = .string(record.type)
            o["now"] = .string(now.iso8601)
            o["exists"] = .bool(stored.provisioning.exists(at: now))
            o["provisioning"] = [
                "phase": .string(stored.provisioning.phase.rawValue),
                "readyAt": .string(stored.provisioning.readyAt.iso8601),
                "deleteAt": stored.provisioning.deleteAt.map { .string($0.iso8601) } ?? .null,
            ]
            o["document"] = .object(stored.arm)
            if let lineage = SnapshotLineage(json: stored.internalFacts["lineage"]) { o["lineage"] = lineage.json }
            if let facts = RestorePointFacts(json: stored.internalFacts["facts"] ?? .null) {
                o["restorePoint"] = [
                    "startedAt": .string(facts.startedAt.iso8601), "creationEnd": .string(facts.creationEnd.iso8601),
                    "instantAccessEnd": .string(facts.instantAccessEnd.iso8601),
                    "instantAccessStatus": .string(RestorePointTimeline(facts).aggregate(at: now).rawValue),
                    "diskRestorePoints": .array(facts.disks.map { view($0, facts, now) }),
                ]
            }
            return ARMResponse(status: 200, body: .object(o))
        }
    }

    private func view(_ disk: DiskRestorePointFacts, _ facts: RestorePointFacts, _ now: Timestamp) -> JSON {
        let t = DiskRestorePointTimeline(disk: disk, point: facts)
        let r = t.replication(at: now)
        return [
            "name": .string(disk.name), "sourceResourceId": .string(disk.sourceResourceID),
            "sku": .string(disk.sku.rawValue),
            "sizeBytes": .int(disk.sizeBytes), "size": .string(Format.gibibytes(disk.sizeBytes)),
            "familyId": .string(disk.familyID),
            "instantAccess": .bool(disk.instantAccess), "copySeconds": .double(disk.copySeconds),
            "creationEnd": .string(t.creationEnd.iso8601), "copyEnd": .string(t.copyEnd.iso8601),
            "instantAccessEnd": disk.instantAccess ? .string(t.instantAccessEnd.iso8601) : .null,
            "snapshotAccessState": .string(t.state(at: now).rawValue), "completionPercent": .int(Int64(r.percent)),
        ]
    }

    /// Past and scheduled changes with their causes. Restore points (and their disks) have a stored schedule;
    /// other resources show their provisioning deadlines.
    func timeline(_ armID: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        guard let id = ResourceID.parse(armID) else { throw notAnID(armID) }
        let isDisk = id.steps.count == 3
        let owner = isDisk ? (id.parent ?? id) : id
        let changes: [JSON] = try app.db.read { tx throws(ARMError) -> [JSON] in
            let scheduled = Schedule.flatten(try app.store(tx.scheduledChanges(resourceKey: owner.key)))
            if !scheduled.isEmpty {
                return isDisk ? scheduled.filter { $0["resource"]?.stringValue?.lowercased() == id.key } : scheduled
            }
            guard let record = try app.store(tx.resource(key: id.key)), let stored = record.stored else {
                throw ARMError(status: 404, code: "ResourceNotFound", message: "rpemu stores nothing at '\(armID)'.")
            }
            return provisioningChanges(record, stored)
        }
        let past = changes.filter {
            ($0["at"]?.stringValue).flatMap(Timestamp.init(iso8601:)).map { $0 <= now } ?? false
        }
        let future = changes.filter {
            ($0["at"]?.stringValue).flatMap(Timestamp.init(iso8601:)).map { $0 > now } ?? false
        }
        return ARMResponse(
            status: 200,
            body: [
                "resource": .string(id.string), "now": .string(now.iso8601), "past": .array(past),
                "scheduled": .array(future),
            ])
    }

    private func provisioningChanges(_ record: ResourceRecord, _ stored: StoredResource) -> [JSON] {
        let p = stored.provisioning
        var out: [JSON] = []
        if p.readyAt > record.createdAt {
            let from = p.phase.rawValue
            out.append(
                change(
                    p.readyAt, record.id, from, "Succeeded",
                    "\(from.lowercased()) took \(Format.seconds(p.readyAt.seconds(since: record.updatedAt))) (timings.resourceCreate)"
                ))
        }
        if let d = p.deleteAt {
            out.append(change(d, record.id, "Deleting", "(deleted)", "delete took timings.delete"))
        }
        return out
    }

    private func change(_ at: Timestamp, _ id: String, _ from: String, _ to: String, _ reason: String) -> JSON {
        [
            "at": .string(at.iso8601), "resource": .string(id), "property": "provisioningState", "from": .string(from),
            "to": .string(to), "cause": .string("\(from) → \(to) at \(at.clockTime): \(reason)"),
        ]
    }

    /// Explicit writes to a disk: the next snapshot of its lineage includes them (CONTRACT.md §6).
    func writes(_ armID: String, body: ARMBody) throws(ARMError) -> ARMResponse {
        guard let bytes = try body.int("bytes"), bytes > 0 else {
            throw .invalidParameter("Give the bytes written: {\"bytes\": n} with n > 0.", target: "bytes")
        }
        let now = app.clock.now()
        guard let id = ResourceID.parse(armID), id.steps.last?.type.lowercased() == "disks" else {
            throw notAnID(armID)
        }
        return try app.db.write { tx throws(ARMError) in
            guard let (record, stored) = try app.live(tx, id, now: now) else { throw app.notFound(id) }
            var lineage =
                SnapshotLineage(json: stored.internalFacts["lineage"]) ?? SnapshotLineage(familyID: GUID.make())
            lineage.pendingBytes += bytes
            var updated = stored
            updated.internalFacts["lineage"] = lineage.json
            try app.save(tx, record, updated, now: now)
            return ARMResponse(status: 200, body: ["disk": .string(record.id), "lineage": lineage.json])
        }
    }

    private func notAnID(_ text: String) -> ARMError {
        .invalidParameter(
            "'\(text)' is not an ARM resource id (/subscriptions/{sub}/resourceGroups/{rg}/providers/...).",
            target: "armId")
    }
}
