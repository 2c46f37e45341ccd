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
        var members = try lineageMembers(tx, vmKey: vmKey, excluding: deletedKey, now: now)
        var changed: Set<Int> = []
        try fold(tx, deleted, into: &members, changed: &changed, now: now)
        for i in changed { try save(tx, members[i], now: now) }
    }

    /// Folds every restore point a collection or resource group delete takes with it (CONTRACT.md §6), as if
    /// they were deleted one by one, oldest first: each one's bytes move to the next snapshot of its lineage
    /// that stays, or to its disk. Runs in the deleting transaction, before the subtree under `key` goes.
    func foldLineages(_ tx: WriteTransaction, deletingTree key: String, now: Timestamp) throws(ARMError) {
        var doomed: [String: [Member]] = [:]  // by VM key
        for r in try app.store(tx.descendants(ofKey: key)) where r.type == ResourceType.key(Self.type) {
            guard let s = r.stored, s.provisioning.exists(at: now), s.provisioning.deleteAt == nil,
                let f = RestorePointFacts(json: s.internalFacts["facts"] ?? .null), f.hasSucceeded(at: now),
                let vmKey = s.internalFacts["vmKey"]?.stringValue, !vmKey.hasPrefix("copy:")
            else { continue }
            doomed[vmKey, default: []].append(Member(record: r, stored: s, facts: f))
        }
        // One VM's lineages at a time, read once: the members' facts change in memory as each fold lands.
        for (vmKey, going) in doomed {
            var members = try lineageMembers(tx, vmKey: vmKey, excluding: nil, now: now)
            var changed: Set<String> = []
            for deleted in going.sorted(by: { $0.facts.timeCreated < $1.facts.timeCreated }) {
                guard let at = members.firstIndex(where: { $0.record.key == deleted.record.key }) else { continue }
                let facts = members.remove(at: at).facts  // with what earlier folds added to it
                var touched: Set<Int> = []
                try fold(tx, facts, into: &members, changed: &touched, now: now)
                changed.formUnion(touched.map { members[$0].record.key })
            }
            let goingKeys = Set(going.map(\.record.key))
            for member in members where changed.contains(member.record.key) && !goingKeys.contains(member.record.key) {
                try save(tx, member, now: now)
            }
        }
    }

    /// Moves each snapshot of `deleted` into the next snapshot of its lineage among `members` (noting its index
    /// in `changed`), or carries its bytes to the source disk when it was the newest.
    private func fold(
        _ tx: WriteTransaction, _ deleted: RestorePointFacts, into members: inout [Member], changed: inout Set<Int>,
        now: Timestamp
    ) throws(ARMError) {
        for disk in deleted.disks {
            let later = members.indices.flatMap { m in
                members[m].facts.disks.indices.compactMap { d in
                    members[m].facts.disks[d].familyID == disk.familyID
                        && members[m].facts.timeCreated > deleted.timeCreated ? (m, d) : nil
                }
            }.min { members[$0.0].facts.timeCreated < members[$1.0].facts.timeCreated }
            if let (m, d) = later {
                let diskBytes = members[m].facts.disks[d].diskSizeGB * SnapshotLineage.gibibyte
                members[m].facts.disks[d].sizeBytes = min(
                    diskBytes, members[m].facts.disks[d].sizeBytes + disk.sizeBytes)
                changed.insert(m)
            } else {
                let remaining = members.contains { $0.facts.disks.contains { $0.familyID == disk.familyID } }
                try carry(tx, disk: disk, bytes: disk.sizeBytes, lineageEmpty: !remaining, now: now)
            }
        }
    }

    private func save(_ tx: WriteTransaction, _ member: Member, now: Timestamp) throws(ARMError) {
        var stored = member.stored
        stored.internalFacts["facts"] = member.facts.json
        try app.save(tx, member.record, stored, now: now)
    }

    struct Member {
        let record: ResourceRecord
        let stored: StoredResource
        var facts: RestorePointFacts
    }

    /// Every live restore point of the VM, across its collections, but `excluding`.
    func lineageMembers(_ tx: ReadTransaction, vmKey: String, excluding: String?, now: Timestamp)
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
