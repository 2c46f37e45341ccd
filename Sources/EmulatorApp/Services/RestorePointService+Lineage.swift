import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

extension RestorePointService {
    /// Folds the bytes of a deleted restore point's snapshots into their lineages (CONTRACT.md §6): into the next
    /// snapshot of the same lineage, or, when the deleted one was the newest, into what the disk's next snapshot
    /// must hold. Later restore points stay complete. Runs in the deleting transaction.
    func foldLineages(
        _ tx: WriteTransaction, deleted: RestorePointFacts, deletedKey: String, vmKey: String, now: Timestamp
    )
        throws(ARMError)
    {
        guard !deleted.disks.isEmpty, !vmKey.hasPrefix("copy:") else { return }
        let others = try lineageMembers(tx, vmKey: vmKey, excluding: deletedKey, now: now)
        for disk in deleted.disks {
            let later = others.flatMap { member in
                member.facts.disks.enumerated().compactMap { i, d in
                    d.familyID == disk.familyID && member.facts.timeCreated > deleted.timeCreated ? (member, i) : nil
                }
            }.min { $0.0.facts.timeCreated < $1.0.facts.timeCreated }
            if let (member, index) = later {
                var facts = member.facts
                let diskBytes = facts.disks[index].diskSizeGB * SnapshotLineage.gibibyte
                facts.disks[index].sizeBytes = min(diskBytes, facts.disks[index].sizeBytes + disk.sizeBytes)
                var stored = member.stored
                stored.internalFacts["facts"] = facts.json
                try app.save(tx, member.record, stored, now: now)
            } else {
                let remaining = others.contains { $0.facts.disks.contains { $0.familyID == disk.familyID } }
                try carry(tx, disk: disk, bytes: disk.sizeBytes, lineageEmpty: !remaining, now: now)
            }
        }
    }

    struct Member {
        let record: ResourceRecord
        let stored: StoredResource
        let facts: RestorePointFacts
    }

    /// Every live restore point of the VM, across its collections.
    func lineageMembers(_ tx: ReadTransaction, vmKey: String, excluding: String, now: Timestamp)
        throws(ARMError)
        -> [Member]
    {
        guard let vm = ResourceID.parse(vmKey) else { return [] }
        let collections = try app.store(
            tx.resources(
                type: ResourceType.key(ResourceType.collection), subscription: vm.subscription.lowercased(), after: nil,
                limit: .max))
        var out: [Member] = []
        for c in collections where c.stored?.properties["source"]?["id"]?.stringValue?.lowercased() == vmKey {
            for r in try app.store(
                tx.resources(type: ResourceType.key(Self.type), parentKey: c.key, after: nil, limit: .max))
            where r.key != excluding {
                guard let s = r.stored, s.provisioning.exists(at: now), s.provisioning.deleteAt == nil,
                    let f = RestorePointFacts(json: s.internalFacts["facts"] ?? .null)
                else { continue }
                out.append(Member(record: r, stored: s, facts: f))
            }
        }
        return out
    }

    /// The newest snapshot of a lineage went: its bytes go into the disk's next snapshot; with no snapshot left the
    /// next one is full again.
    private func carry(
        _ tx: WriteTransaction, disk: DiskRestorePointFacts, bytes: Int64, lineageEmpty: Bool, now: Timestamp
    )
        throws(ARMError)
    {
        guard let id = ResourceID.parse(disk.sourceResourceID), let (record, stored) = try app.live(tx, id, now: now),
            var lineage = SnapshotLineage(json: stored.internalFacts["lineage"]), lineage.familyID == disk.familyID
        else { return }
        if lineageEmpty {
            lineage.lastSnapshotAt = nil
            lineage.pendingBytes = 0
        } else {
            lineage.pendingBytes += bytes
        }
        var updated = stored
        updated.internalFacts["lineage"] = lineage.json
        try app.save(tx, record, updated, now: now)
    }
}
