import EmuCore
import Foundation
import RestorePointEngine
import Testing

@testable import EmulatorStore

/// Where a test store lives: a WAL file in a fresh temporary directory, or memory.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case file, memory
    var testDescription: String { rawValue }
}

/// A temporary directory, removed when the value goes.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("rpemu-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Opens a store of `kind` for the duration of `body`.
func withStore<R>(_ kind: StoreKind, _ body: (EmulatorStore) throws -> R) throws -> R {
    switch kind {
    case .memory:
        let store = try EmulatorStore(location: .inMemory)
        defer { store.close() }
        return try body(store)
    case .file:
        let directory = try TemporaryDirectory()
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        return try body(store)
    }
}

enum Fixture {
    static let subscription = "00000000-0000-0000-0000-0000000000aa"

    /// The key of resource group `group` in `subscription`.
    static func groupKey(_ group: String = "rg", subscription: String = subscription) -> String {
        "/subscriptions/\(subscription)/resourcegroups/\(group)"
    }

    /// A restore point collection record.
    static func resource(
        name: String = "rpc1", group: String = "rg", subscription: String = subscription,
        type: String = "microsoft.compute/restorepointcollections", parentKey: String? = nil,
        location: String? = "eastus", at ticks: Int64 = 1_000, body: JSON? = nil
    ) -> ResourceRecord {
        let parent = parentKey ?? groupKey(group, subscription: subscription)
        let segment = type.split(separator: "/").last.map(String.init) ?? type
        let key =
            parentKey == nil
            ? "\(parent)/providers/\(type)/\(name.lowercased())" : "\(parent)/\(segment)/\(name.lowercased())"
        return ResourceRecord(
            key: key, id: key.replacingOccurrences(of: "resourcegroups", with: "resourceGroups"),
            subscription: subscription, resourceGroup: group, type: type, parentKey: parent, name: name,
            location: location, createdAt: Timestamp(ticks: ticks), updatedAt: Timestamp(ticks: ticks + 1),
            body: body ?? ["name": .string(name), "properties": ["provisioningState": "Succeeded"]])
    }

    static func operation(
        id: String = "op-1", subscription: String = subscription, outcome: String = "Succeeded",
        error: JSON? = nil, result: JSON? = nil
    ) -> OperationRecord {
        OperationRecord(
            id: id, subscription: subscription, location: "eastus", kind: "restorePoints/create",
            resourceKey: groupKey() + "/providers/microsoft.compute/restorepointcollections/rpc1",
            apiVersion: "2024-03-01", startTime: Timestamp(ticks: 10), endTime: Timestamp(ticks: 20),
            outcome: outcome, error: error, result: result)
    }

    static func subscriptionRecord(id: String = "0000AAAA-0000-0000-0000-00000000BBBB") -> SubscriptionRecord {
        SubscriptionRecord(subscriptionId: id, displayName: "Émulateur ☁️", tenantId: "tenant-1", state: "Enabled")
    }

    static let restorePointType = "microsoft.compute/restorepointcollections/restorepoints"

    /// The key of restore point `name` in collection `collection` of `group`.
    static func restorePointKey(
        _ name: String, collection: String = "rpc1", group: String = "rg", subscription: String = subscription
    ) -> String {
        resource(name: collection, group: group, subscription: subscription).key + "/restorepoints/\(name)"
    }

    /// The key of VM `name` in `group`.
    static func vmKey(_ name: String = "vm1", group: String = "rg", subscription: String = subscription) -> String {
        groupKey(group, subscription: subscription) + "/providers/microsoft.compute/virtualmachines/\(name)"
    }

    /// An index row for restore point `name`; `creationEnd` in ticks.
    static func indexRecord(
        _ name: String, collection: String = "rpc1", group: String = "rg", subscription: String = subscription,
        vm: String = "vm1", location: String = "eastus", instantAccess: Bool = false, creationEnd: Int64 = 100
    ) -> RestorePointIndexRecord {
        RestorePointIndexRecord(
            key: restorePointKey(name, collection: collection, group: group, subscription: subscription),
            vmKey: vmKey(vm, group: group, subscription: subscription), subscription: subscription,
            location: location, instantAccess: instantAccess, creationEnd: Timestamp(ticks: creationEnd))
    }

    /// A scheduled change of `resourceKey` at `at` ticks.
    static func change(_ resourceKey: String, at: Int64, to: String = "Succeeded") -> ScheduledChange {
        ScheduledChange(
            resourceKey: resourceKey, at: Timestamp(ticks: at),
            body: ["property": "provisioningState", "from": "Creating", "to": .string(to)])
    }

    /// A body exercising escapes, non-BMP characters and every JSON kind.
    static let unicodeBody: JSON = [
        "name": "rp-名前-🦄", "quote": "a \"b\" \\ c\n\t", "nul": "x\u{0}y", "n": 42, "d": 1.5, "t": true,
        "z": nil, "a": [1, "二", ["k": "ü"]],
    ]
}

extension ReadTransaction {
    /// The changes with `after` < at ≤ `through` in window order, at most `limit`, each with its position, read
    /// one change per `visitScheduledChanges` call so that every read after the first continues from a position.
    /// A body that is not JSON reads as null.
    func windowChanges(
        after: Int64, through: Int64, limit: Int = .max
    ) throws(StoreError) -> [(position: ScheduledChange.Position, body: JSON)] {
        var changes: [(position: ScheduledChange.Position, body: JSON)] = []
        var position: ScheduledChange.Position?
        while changes.count < limit {
            var text: [UInt8] = []
            guard
                let next = try visitScheduledChanges(
                    after: Timestamp(ticks: after), through: Timestamp(ticks: through), past: position, limit: 1,
                    { text.append(contentsOf: $0) })
            else { break }
            changes.append((next, (try? JSONParser.parse(text)) ?? .null))
            position = next
        }
        return changes
    }
}
