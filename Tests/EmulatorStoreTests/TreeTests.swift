import Testing

@testable import EmulatorStore

/// Subtrees are key ranges: characters that are wildcards in LIKE (`_`, `%`) and the bytes around `/`
/// (`.` before it, `0` after it) must not leak into or out of a subtree.
@Suite("Descendants and deleteTree")
struct TreeTests {
    static let trickyGroups = ["a_b", "a%b", "a.b"]

    /// Groups that a wrong prefix match would catch for one of `trickyGroups`.
    static let neighbours = ["axb", "a_bc", "a%bc", "a.bc", "a_b0", "a_b.", "a_", "a", "ab"]

    private func seed(_ store: EmulatorStore) throws {
        try store.write { tx in
            for group in Self.trickyGroups + Self.neighbours {
                let rpc = Fixture.resource(name: "rpc", group: group)
                try tx.upsert(rpc)
                try tx.upsert(
                    Fixture.resource(
                        name: "rp_1%", group: group, type: "microsoft.compute/restorepointcollections/restorepoints",
                        parentKey: rpc.key))
            }
        }
    }

    @Test("descendants are exactly the keys under key + '/'", arguments: StoreKind.allCases, trickyGroups)
    func descendants(kind: StoreKind, group: String) throws {
        try withStore(kind) { store in
            try seed(store)
            let found = try store.read { tx in try tx.descendants(ofKey: Fixture.groupKey(group)) }
            #expect(found.count == 2)
            #expect(found.allSatisfy { $0.key.hasPrefix(Fixture.groupKey(group) + "/") })
            #expect(found.map(\.key) == found.map(\.key).sorted())
        }
    }

    @Test("deleteTree removes the key and its subtree, nothing else", arguments: StoreKind.allCases, trickyGroups)
    func deleteTree(kind: StoreKind, group: String) throws {
        try withStore(kind) { store in
            try seed(store)
            let rpcKey = Fixture.resource(name: "rpc", group: group).key
            let total = (Self.trickyGroups.count + Self.neighbours.count) * 2
            #expect(try store.write { tx in try tx.deleteTree(key: rpcKey) } == 2)
            #expect(try store.write { tx in try tx.deleteTree(key: rpcKey) } == 0)
            let left = try store.read { tx in try tx.descendants(ofKey: "/subscriptions/\(Fixture.subscription)") }
            #expect(left.count == total - 2)
            #expect(!left.contains { $0.key.hasPrefix(rpcKey) && ($0.key == rpcKey || $0.key.hasPrefix(rpcKey + "/")) })
        }
    }

    @Test("deleteTree of a group's scope key removes only what is under it", arguments: StoreKind.allCases)
    func deleteGroupScope(kind: StoreKind) throws {
        try withStore(kind) { store in
            try seed(store)
            #expect(try store.write { tx in try tx.deleteTree(key: Fixture.groupKey("a_b")) } == 2)
            let groups = Set(
                try store.read { tx in try tx.descendants(ofKey: "/subscriptions/\(Fixture.subscription)") }
                    .compactMap(\.resourceGroup))
            #expect(groups == Set(Self.trickyGroups + Self.neighbours).subtracting(["a_b"]))
        }
    }
}
