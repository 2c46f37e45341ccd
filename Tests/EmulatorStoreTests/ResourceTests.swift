import EmuCore
import Testing

@testable import EmulatorStore

@Suite("Resources")
struct ResourceTests {
    @Test("a record round-trips, unicode body included", arguments: StoreKind.allCases)
    func roundTrip(kind: StoreKind) throws {
        try withStore(kind) { store in
            let record = Fixture.resource(name: "RPC-Ünï", body: Fixture.unicodeBody)
            try store.write { tx in try tx.upsert(record) }
            let read = try store.read { tx in try tx.resource(key: record.key) }
            #expect(read == record)
            #expect(try store.read { tx in try tx.resource(key: record.key + "x") } == nil)
        }
    }

    @Test("a record without group or location keeps its NULLs", arguments: StoreKind.allCases)
    func nullableColumns(kind: StoreKind) throws {
        try withStore(kind) { store in
            var record = Fixture.resource(location: nil)
            record.resourceGroup = nil
            try store.write { tx in try tx.upsert(record) }
            #expect(try store.read { tx in try tx.resource(key: record.key) } == record)
        }
    }

    @Test("upsert replaces every column", arguments: StoreKind.allCases)
    func upsertReplaces(kind: StoreKind) throws {
        try withStore(kind) { store in
            var record = Fixture.resource()
            try store.write { tx in try tx.upsert(record) }
            record.updatedAt = Timestamp(ticks: 99)
            record.location = "westeurope"
            record.body = ["changed": true]
            try store.write { tx in try tx.upsert(record) }
            #expect(try store.read { tx in try tx.resource(key: record.key) } == record)
            #expect(try store.read { tx in try tx.descendants(ofKey: Fixture.groupKey()) }.count == 1)
        }
    }

    @Test(
        "updateBody replaces the body and updatedAt only, and says whether the record was there",
        arguments: StoreKind.allCases)
    func updateBody(kind: StoreKind) throws {
        try withStore(kind) { store in
            let stored = Fixture.resource()
            try store.write { tx in try tx.upsert(stored) }
            var changed = stored
            changed.body = ["changed": true]
            changed.updatedAt = Timestamp(ticks: 99)
            var ignored = changed
            ignored.location = "westeurope"  // not written: only the body and updatedAt are
            #expect(try store.write { tx in try tx.updateBody(of: ignored) })
            #expect(try store.read { tx in try tx.resource(key: stored.key) } == changed)
            #expect(
                try store.read { tx in try tx.resources(type: stored.type, parentKey: stored.parentKey) } == [changed])
            let missing = Fixture.resource(name: "other")
            #expect(try !store.write { tx in try tx.updateBody(of: missing) })
            #expect(try store.read { tx in try tx.resource(key: missing.key) } == nil)
        }
    }

    @Test("deleteResource removes one record and says whether it was there", arguments: StoreKind.allCases)
    func deleteOne(kind: StoreKind) throws {
        try withStore(kind) { store in
            let parent = Fixture.resource(name: "rpc")
            let child = Fixture.resource(
                name: "rp", type: "microsoft.compute/restorepointcollections/restorepoints", parentKey: parent.key)
            try store.write { tx in
                try tx.upsert(parent)
                try tx.upsert(child)
            }
            #expect(try store.write { tx in try tx.deleteResource(key: parent.key) })
            #expect(try !store.write { tx in try tx.deleteResource(key: parent.key) })
            #expect(try store.read { tx in try tx.resource(key: child.key) } == child)
        }
    }

    @Test("listing by parent is in key order and pages with after", arguments: StoreKind.allCases)
    func pagingByParent(kind: StoreKind) throws {
        try withStore(kind) { store in
            let names = ["d", "a", "c", "e", "b"]
            try store.write { tx in
                for name in names { try tx.upsert(Fixture.resource(name: name)) }
                try tx.upsert(Fixture.resource(name: "other-type", type: "microsoft.compute/disks"))
                try tx.upsert(Fixture.resource(name: "other-group", group: "rg2"))
            }
            let type = "microsoft.compute/restorepointcollections"
            let all = try store.read { tx in try tx.resources(type: type, parentKey: Fixture.groupKey()) }
            #expect(all.map(\.name) == ["a", "b", "c", "d", "e"])

            var pages: [[String]] = []
            var after: String?
            repeat {
                let page = try store.read { tx in
                    try tx.resources(type: type, parentKey: Fixture.groupKey(), after: after, limit: 2)
                }
                pages.append(page.map(\.name))
                after = page.count == 2 ? page.last?.key : nil
            } while after != nil
            #expect(pages == [["a", "b"], ["c", "d"], ["e"]])
            #expect(
                try store.read { tx in try tx.resources(type: type, parentKey: Fixture.groupKey(), limit: 0) } == [])
        }
    }

    @Test("listing by subscription spans groups, in key order", arguments: StoreKind.allCases)
    func listingBySubscription(kind: StoreKind) throws {
        try withStore(kind) { store in
            let type = "microsoft.compute/restorepointcollections"
            try store.write { tx in
                try tx.upsert(Fixture.resource(name: "x", group: "rg2"))
                try tx.upsert(Fixture.resource(name: "y", group: "rg1"))
                try tx.upsert(Fixture.resource(name: "z", group: "rg1", subscription: "other"))
                try tx.upsert(Fixture.resource(name: "disk", group: "rg1", type: "microsoft.compute/disks"))
            }
            let all = try store.read { tx in try tx.resources(type: type, subscription: Fixture.subscription) }
            #expect(all.map(\.name) == ["y", "x"])
            let rest = try store.read { tx in
                try tx.resources(type: type, subscription: Fixture.subscription, after: all[0].key, limit: 10)
            }
            #expect(rest.map(\.name) == ["x"])
        }
    }

    @Test("counts per subscription, type and location", arguments: StoreKind.allCases)
    func counting(kind: StoreKind) throws {
        try withStore(kind) { store in
            let type = "microsoft.compute/restorepointcollections"
            try store.write { tx in
                try tx.upsert(Fixture.resource(name: "a", location: "eastus"))
                try tx.upsert(Fixture.resource(name: "b", group: "rg2", location: "eastus"))
                try tx.upsert(Fixture.resource(name: "c", location: "westus"))
                try tx.upsert(Fixture.resource(name: "d", subscription: "other", location: "eastus"))
            }
            try store.read { (tx) throws(StoreError) in
                #expect(try tx.countResources(type: type, subscription: Fixture.subscription, location: "eastus") == 2)
                #expect(try tx.countResources(type: type, subscription: Fixture.subscription, location: "westus") == 1)
                #expect(try tx.countResources(type: type, subscription: Fixture.subscription, location: nil) == 3)
                #expect(
                    try tx.countResources(type: "microsoft.compute/disks", subscription: "other", location: nil) == 0)
            }
        }
    }
}
