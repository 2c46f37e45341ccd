import Testing

@testable import EmulatorStore

/// From schema 5 `resources_by_parent` and `resources_by_subscription` leave restore points out, and
/// `ReadTransaction` finds them through ranges of the primary key instead. Every routed read must answer as a
/// filter over all the rows does, for restore points and for every other type.
@Suite("Reads by parent and by subscription, routed by type")
struct RoutedReadTests {
    @Test("listings and counts answer as a filter over every row", arguments: StoreKind.allCases)
    func answers(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in for row in RoutedReads.rows { try tx.upsert(row) } }
            try store.read { (tx) throws(StoreError) in try RoutedReads.expectAnswers(tx) }
        }
    }

    @Test("restore points of rpc1 are not those of rpc10, and page in key order", arguments: StoreKind.allCases)
    func restorePointsByCollection(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in for row in RoutedReads.rows { try tx.upsert(row) } }
            let rpc1 = Fixture.resource(name: "rpc1").key
            var pages: [[String]] = []
            var after: String?
            repeat {
                let page = try store.read { tx in
                    try tx.resources(type: Fixture.restorePointType, parentKey: rpc1, after: after, limit: 2)
                }
                pages.append(page.map(\.name))
                after = page.count == 2 ? page.last?.key : nil
            } while after != nil
            #expect(pages == [["rp0", "rp1"], ["rp2"]])
            let rpc10 = try store.read { tx in
                try tx.resources(type: Fixture.restorePointType, parentKey: Fixture.resource(name: "rpc10").key)
            }
            #expect(rpc10.map(\.key) == ["rp0", "rp1", "rp2"].map { Fixture.restorePointKey($0, collection: "rpc10") })
        }
    }

    @Test("restore points of a subscription are not those of an id it prefixes", arguments: StoreKind.allCases)
    func restorePointsBySubscription(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.write { tx in for row in RoutedReads.rows { try tx.upsert(row) } }
            try store.read { (tx) throws(StoreError) in
                let type = Fixture.restorePointType
                let all = try tx.resources(type: type, subscription: Fixture.subscription)
                // 2 groups × 4 collections × 3 restore points, none of `subscription0` or `subscription.`.
                #expect(all.count == 24)
                #expect(all.allSatisfy { $0.key.hasPrefix("/subscriptions/\(Fixture.subscription)/") })
                #expect(try tx.countResources(type: type, subscription: Fixture.subscription, location: nil) == 24)
                #expect(try tx.countResources(type: type, subscription: Fixture.subscription, location: "westus") == 8)
            }
        }
    }
}

/// Resources whose keys tempt a wrong range, and every routed read of them checked against a filter of the rows.
enum RoutedReads {
    static let diskRestorePointType = Fixture.restorePointType + "/diskrestorepoints"
    /// Another type whose keys under a collection are `{collection key}/restorepoints/{name}`.
    static let impostorType = "microsoft.test/restorepoints"
    static let types = [
        Fixture.restorePointType, diskRestorePointType, impostorType, "microsoft.compute/restorepointcollections",
        "microsoft.compute/disks", "microsoft.compute/virtualmachines",
    ]
    /// Ids that extend the first by the bytes either side of `/` (`.` before it, `0` after it), and another.
    static let subscriptions = [Fixture.subscription, Fixture.subscription + "0", Fixture.subscription + ".", "b"]
    /// Names whose keys extend `rpc1`'s, before and after its `/restorepoints/` range.
    static let collections = ["rpc1", "rpc10", "rpc1.x", "rpc1_"]
    static let locations = ["eastus", "westus"]

    /// In each subscription and group: a disk, and collections of three restore points each, the first with a
    /// disk restore point stored under it. Each collection also holds a resource of `impostorType`: it and the
    /// disk restore point have keys in the collection's restore point range.
    static let rows: [ResourceRecord] = {
        var rows: [ResourceRecord] = []
        for subscription in subscriptions {
            for group in ["rg", "rg0"] {
                rows.append(
                    Fixture.resource(
                        name: "disk", group: group, subscription: subscription, type: "microsoft.compute/disks"))
                for (c, name) in collections.enumerated() {
                    let rpc = Fixture.resource(
                        name: name, group: group, subscription: subscription, location: locations[c % 2])
                    rows.append(rpc)
                    rows.append(
                        Fixture.resource(
                            name: "impostor", group: group, subscription: subscription, type: impostorType,
                            parentKey: rpc.key))
                    for i in 0..<3 {
                        let rp = Fixture.resource(
                            name: "rp\(i)", group: group, subscription: subscription, type: Fixture.restorePointType,
                            parentKey: rpc.key, location: locations[i % 2])
                        rows.append(rp)
                        guard i == 0 else { continue }
                        rows.append(
                            Fixture.resource(
                                name: "d", group: group, subscription: subscription, type: diskRestorePointType,
                                parentKey: rp.key, location: nil))
                    }
                }
            }
        }
        return rows
    }()

    /// Checks every routed read of `tx`, which holds `rows`, against a filter of `rows`: listings with several
    /// cursors and limits, counts in every location, and counts across subscriptions.
    static func expectAnswers(
        _ tx: ReadTransaction, sourceLocation: SourceLocation = #_sourceLocation
    ) throws(StoreError) {
        let parents = Set(rows.map(\.parentKey)).union(["", "/subscriptions/none"])
        let subscriptionIDs = subscriptions + [String(Fixture.subscription.dropLast()), "none"]
        for type in types {
            for parent in parents {
                let all = sorted(rows.filter { $0.type == type && $0.parentKey == parent })
                for (after, limit) in cursors(over: all, around: parent) {
                    let found = try tx.resources(type: type, parentKey: parent, after: after, limit: limit)
                    #expect(
                        found.map(\.key) == page(all, after: after, limit: limit),
                        "\(type) under \(parent) after \(after ?? "nil"), limit \(limit)",
                        sourceLocation: sourceLocation)
                }
            }
            for subscription in subscriptionIDs {
                let all = sorted(rows.filter { $0.type == type && $0.subscription == subscription })
                for (after, limit) in cursors(over: all, around: "/subscriptions/" + subscription) {
                    let found = try tx.resources(type: type, subscription: subscription, after: after, limit: limit)
                    #expect(
                        found.map(\.key) == page(all, after: after, limit: limit),
                        "\(type) in \(subscription) after \(after ?? "nil"), limit \(limit)",
                        sourceLocation: sourceLocation)
                }
                for location in [nil, "nowhere"] + locations {
                    let count = all.filter { location == nil || $0.location == location }.count
                    #expect(
                        try tx.countResources(type: type, subscription: subscription, location: location) == count,
                        "\(type) in \(subscription), \(location ?? "anywhere")", sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// Cursors for a listing of `all` under the key `scope`: none, before, at and past the scope and its
    /// restore point range, and after each listed key; each with no limit, 1 and 2.
    private static func cursors(over all: [ResourceRecord], around scope: String) -> [(String?, Int)] {
        let afters: [String?] =
            [nil, "", scope, scope + "/", scope + "/restorepoints/", scope + "/restorepoints0", scope + "0", "~"]
            + all.map(\.key)
        return afters.flatMap { after in [Int.max, 1, 2].map { (after, $0) } }
    }

    /// `rows` in key order, byte for byte as SQLite's BINARY collation.
    private static func sorted(_ rows: [ResourceRecord]) -> [ResourceRecord] {
        rows.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// The keys of `all` (in key order) after `after`, at most `limit`.
    private static func page(_ all: [ResourceRecord], after: String?, limit: Int) -> [String] {
        let past = all.filter { (after ?? "").utf8.lexicographicallyPrecedes($0.key.utf8) }
        return past.prefix(limit).map(\.key)
    }
}
