import EmuCore
import Testing

@testable import EmulatorStore

/// Deleting a subtree, a subscription or everything takes the restore point index rows and the scheduled
/// changes with the resources, by the same key ranges (`TreeTests` has the tricky names).
@Suite("Index and schedule deletion")
struct IndexDeletionTests {
    static let groups = TreeTests.trickyGroups + TreeTests.neighbours
    static let otherSubscription = Fixture.subscription + "0"

    /// In each group, and in a second subscription whose id extends the first: a collection with two restore
    /// points, each with its resource, index row and two changes.
    private func seed(_ store: EmulatorStore) throws {
        try store.write { tx in
            for subscription in [Fixture.subscription, Self.otherSubscription] {
                for group in Self.groups {
                    let rpc = Fixture.resource(name: "rpc", group: group, subscription: subscription)
                    try tx.upsert(rpc)
                    for name in ["rp_1%", "rp_2"] {
                        let rp = Fixture.resource(
                            name: name, group: group, subscription: subscription, type: Fixture.restorePointType,
                            parentKey: rpc.key)
                        try tx.upsert(rp)
                        try tx.upsert(
                            RestorePointIndexRecord(
                                key: rp.key, vmKey: Fixture.vmKey(group: group, subscription: subscription),
                                subscription: subscription, location: "eastus", instantAccess: true,
                                creationEnd: Timestamp(ticks: 100)))
                        try tx.insert([Fixture.change(rp.key, at: 100), Fixture.change(rp.key, at: 200)])
                    }
                }
            }
        }
    }

    /// Index rows and changes left, as sets of restore point keys.
    private func remaining(_ store: EmulatorStore) throws -> (index: Set<String>, schedule: Set<String>) {
        try store.read { (tx) throws(StoreError) in
            var index: Set<String> = []
            var schedule: Set<String> = []
            for key in allKeys() {
                if try tx.restorePointIndex(key: key) != nil { index.insert(key) }
                if try !tx.scheduledChanges(resourceKey: key).isEmpty { schedule.insert(key) }
            }
            // Nothing outside those keys: every change left is one of theirs.
            let left = try tx.windowChanges(after: 0, through: 1_000).count
            #expect(left == schedule.count * 2)
            return (index, schedule)
        }
    }

    private func allKeys(except removed: (String) -> Bool = { _ in false }) -> Set<String> {
        var keys: Set<String> = []
        for subscription in [Fixture.subscription, Self.otherSubscription] {
            for group in Self.groups {
                for name in ["rp_1%", "rp_2"] {
                    keys.insert(
                        Fixture.restorePointKey(name, collection: "rpc", group: group, subscription: subscription))
                }
            }
        }
        return keys.filter { !removed($0) }
    }

    @Test(
        "deleteTree of a collection removes its restore points' rows, nothing else", arguments: StoreKind.allCases,
        TreeTests.trickyGroups)
    func deleteCollection(kind: StoreKind, group: String) throws {
        try withStore(kind) { store in
            try seed(store)
            let rpcKey = Fixture.resource(name: "rpc", group: group).key
            #expect(try store.write { tx in try tx.deleteTree(key: rpcKey) } == 3)
            let left = try remaining(store)
            let expected = allKeys { $0.hasPrefix(rpcKey + "/") }
            #expect(left.index == expected)
            #expect(left.schedule == expected)
            #expect(try store.read { tx in try tx.countRestorePoints(vmKey: Fixture.vmKey(group: group)) } == 0)
        }
    }

    @Test("deleteTree of a resource group's scope removes the rows under it", arguments: StoreKind.allCases)
    func deleteGroup(kind: StoreKind) throws {
        try withStore(kind) { store in
            try seed(store)
            let groupKey = Fixture.groupKey("a%b")
            #expect(try store.write { tx in try tx.deleteTree(key: groupKey) } == 3)
            let left = try remaining(store)
            #expect(left.index == allKeys { $0.hasPrefix(groupKey + "/") })
            #expect(left.schedule == left.index)
        }
    }

    @Test("deleteTree of one restore point removes its own row and schedule", arguments: StoreKind.allCases)
    func deleteRestorePoint(kind: StoreKind) throws {
        try withStore(kind) { store in
            try seed(store)
            let key = Fixture.restorePointKey("rp_1%", collection: "rpc", group: "a_b")
            #expect(try store.write { tx in try tx.deleteTree(key: key) } == 1)
            let left = try remaining(store)
            #expect(left.index == allKeys { $0 == key })
            #expect(left.schedule == left.index)
            #expect(try store.read { tx in try tx.countRestorePoints(vmKey: Fixture.vmKey(group: "a_b")) } == 1)
        }
    }

    @Test(
        "deleteSubscription removes that subscription's rows, not those of an id it prefixes",
        arguments: StoreKind.allCases)
    func deleteSubscription(kind: StoreKind) throws {
        try withStore(kind) { store in
            try seed(store)
            #expect(try store.write { tx in try tx.deleteSubscription(id: Fixture.subscription.uppercased()) })
            let left = try remaining(store)
            #expect(left.index == allKeys { $0.hasPrefix("/subscriptions/\(Fixture.subscription)/") })
            #expect(left.schedule == left.index)
            try store.read { (tx) throws(StoreError) in
                let now = Timestamp(ticks: 0)
                #expect(
                    try tx.countCreatingInstantAccess(subscription: Fixture.subscription, location: "eastus", now: now)
                        == 0)
                #expect(
                    try tx.countCreatingInstantAccess(
                        subscription: Self.otherSubscription, location: "eastus", now: now)
                        == Self.groups.count * 2)
            }
            // A subscription with only index rows or changes left still reports a deletion.
            try store.write { tx in
                try tx.upsert(Fixture.indexRecord("x", subscription: "lone"))
                try tx.insert([Fixture.change(Fixture.restorePointKey("x", subscription: "lone"), at: 1)])
            }
            #expect(try store.write { tx in try tx.deleteSubscription(id: "lone") })
            #expect(try !store.write { tx in try tx.deleteSubscription(id: "lone") })
        }
    }

    @Test("deleteAll empties the index and the schedule", arguments: StoreKind.allCases)
    func deleteAll(kind: StoreKind) throws {
        try withStore(kind) { store in
            try seed(store)
            try store.write { tx in try tx.deleteAll() }
            let left = try remaining(store)
            #expect(left.index.isEmpty)
            #expect(left.schedule.isEmpty)
            #expect(try store.read { tx in try tx.descendants(ofKey: "/subscriptions") } == [])
        }
    }
}
