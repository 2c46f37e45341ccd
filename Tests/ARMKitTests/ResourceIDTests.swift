import ARMKit
import Testing

@Suite("ResourceID")
struct ResourceIDTests {
    static let sub = "00000000-0000-0000-0000-000000000001"
    static let rpcString =
        "/subscriptions/\(sub)/resourceGroups/RG1/providers/Microsoft.Compute/restorePointCollections/Rpc1"

    @Test(
        "canonical ids round-trip through parse and string",
        arguments: [
            "/subscriptions/\(sub)",
            "/subscriptions/\(sub)/resourceGroups/RG1",
            "/subscriptions/\(sub)/resourceGroups/RG1/providers/Microsoft.Compute/virtualMachines/vm1",
            rpcString,
            rpcString + "/restorePoints/rp1",
            rpcString + "/restorePoints/rp1/diskRestorePoints/osdisk_0a1b2c3d-0000-4000-8000-000000000000",
            "/subscriptions/\(sub)/providers/Microsoft.Compute/locations/eastus/operations/op-1",
            "/subscriptions/\(sub)/providers/Microsoft.Compute/restorePointCollections/x",
        ])
    func roundTrip(text: String) throws {
        let id = try #require(ResourceID.parse(text))
        #expect(id.string == text)
        #expect(id.description == text)
        #expect(ResourceID.parse(id.string) == id)
    }

    @Test("parse fills every part of a nested id")
    func nested() throws {
        let id = try #require(ResourceID.parse(Self.rpcString + "/restorePoints/rp1/diskRestorePoints/d_1"))
        #expect(id.subscription == Self.sub)
        #expect(id.resourceGroup == "RG1")
        #expect(id.namespace == "Microsoft.Compute")
        #expect(
            id.steps == [
                .init(type: "restorePointCollections", name: "Rpc1"), .init(type: "restorePoints", name: "rp1"),
                .init(type: "diskRestorePoints", name: "d_1"),
            ])
        #expect(id.name == "d_1")
        #expect(id.fullType == "Microsoft.Compute/restorePointCollections/restorePoints/diskRestorePoints")
    }

    @Test("a subscription-level provider id has no resource group")
    func subscriptionLevel() throws {
        let id = try #require(
            ResourceID.parse("/subscriptions/s/providers/Microsoft.Compute/locations/x/operations/y"))
        #expect(id.subscription == "s")
        #expect(id.resourceGroup == nil)
        #expect(id.namespace == "Microsoft.Compute")
        #expect(id.steps == [.init(type: "locations", name: "x"), .init(type: "operations", name: "y")])
        #expect(id.name == "y")
        #expect(id.fullType == "Microsoft.Compute/locations/operations")
        #expect(id.resourceGroupID == nil)
        #expect(id.parent?.string == "/subscriptions/s/providers/Microsoft.Compute/locations/x")
        #expect(id.parent?.parent?.string == "/subscriptions/s")
    }

    @Test("fixed segments parse in any case and print canonically; names keep their case")
    func caseInsensitiveFixedSegments() throws {
        let id = try #require(
            ResourceID.parse(
                "/SUBSCRIPTIONS/Sub/resourcegroups/Rg/PROVIDERS/microsoft.compute/RESTOREPOINTCOLLECTIONS/R"))
        #expect(
            id.string == "/subscriptions/Sub/resourceGroups/Rg/providers/microsoft.compute/RESTOREPOINTCOLLECTIONS/R")
        #expect(id.resourceGroup == "Rg")
        #expect(id.name == "R")
        let canonical = try #require(
            ResourceID.parse(
                "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/restorePointCollections/r"))
        #expect(id.key == canonical.key)
        #expect(id != canonical)
    }

    @Test(
        "key is the lower-cased id, string the id as spelled, at every depth and with names beyond ASCII",
        arguments: [
            rpcString, rpcString + "/restorePoints/RP-1", "/subscriptions/SUB", "/subscriptions/s/resourceGroups/RG",
            "/subscriptions/s/providers/Microsoft.Compute/locations/EastUS",
            "/subscriptions/s/resourceGroups/Grüße-ÄÖ/providers/Microsoft.Compute/disks/DİSK-Σ",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/Z@[`{",
        ])
    func key(text: String) throws {
        let id = try #require(ResourceID.parse(text))
        #expect(id.key == text.lowercased())
        #expect(id.string == text)
    }

    @Test(
        "text that is not an id of this shape → nil",
        arguments: [
            "", "/", "subscriptions/s", "/subscriptions", "/subscriptions/", "/subscription/s", "/tenants/t",
            "/subscriptions//resourceGroups/rg",
            "/subscriptions/s/",  // trailing slash = an empty segment
            "/subscriptions/s/resourceGroups",  // odd: a type without a name
            "/subscriptions/s/resourceGroups/",
            "/subscriptions/s/resourceGroups/rg/providers",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute",  // a namespace without a type
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines",  // odd
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/restorePoints",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute//vm",
            "/subscriptions/s/resourceGroups/rg//providers/Microsoft.Compute/virtualMachines/vm",
            "/subscriptions/s/resourceGroups/rg/virtualMachines/vm",  // no providers segment
            "/subscriptions/s/locations/x",
            "/subscriptions/s/resourceGroups/rg/resourceGroups/rg2",
            "//subscriptions/s",
            "/providers/Microsoft.Compute/virtualMachines/vm",
        ])
    func rejected(text: String) {
        #expect(ResourceID.parse(text) == nil)
    }

    @Test("fullType for subscription, resource group and provider resources")
    func fullType() {
        #expect(ResourceID(subscription: "s").fullType == "Microsoft.Resources/subscriptions")
        #expect(ResourceID(subscription: "s", resourceGroup: "rg").fullType == "Microsoft.Resources/resourceGroups")
        let vm = ResourceID(
            subscription: "s", resourceGroup: "rg", namespace: "Microsoft.Compute",
            steps: [.init(type: "virtualMachines", name: "vm")])
        #expect(vm.fullType == "Microsoft.Compute/virtualMachines")
    }

    @Test("name is the last name: a step's, else the group's, else the subscription's")
    func name() {
        #expect(ResourceID(subscription: "s").name == "s")
        #expect(ResourceID(subscription: "s", resourceGroup: "rg").name == "rg")
        #expect(ResourceID(subscription: "s", resourceGroup: "rg").child(type: "t", name: "n").name == "n")
    }

    @Test("parent walks up: drp → rp → rpc → resource group → subscription → nil")
    func parentChain() throws {
        let drp = try #require(ResourceID.parse(Self.rpcString + "/restorePoints/rp1/diskRestorePoints/d1"))
        let rp = try #require(drp.parent)
        #expect(rp.string == Self.rpcString + "/restorePoints/rp1")
        let rpc = try #require(rp.parent)
        #expect(rpc.string == Self.rpcString)
        let rg = try #require(rpc.parent)
        #expect(rg.string == "/subscriptions/\(Self.sub)/resourceGroups/RG1")
        #expect(rg.namespace == nil)
        #expect(rg.steps.isEmpty)
        let subscription = try #require(rg.parent)
        #expect(subscription.string == "/subscriptions/\(Self.sub)")
        #expect(subscription.parent == nil)
        #expect(rpc.resourceGroupID == rg)
        #expect(drp.resourceGroupID == rg)
    }

    @Test("child appends a step; parent undoes it")
    func child() throws {
        let rpc = try #require(ResourceID.parse(Self.rpcString))
        let rp = rpc.child(type: "restorePoints", name: "rp1")
        #expect(rp.string == Self.rpcString + "/restorePoints/rp1")
        #expect(rp.parent == rpc)
        #expect(ResourceID.parse(rp.string) == rp)
        let vm = ResourceID(subscription: "s", resourceGroup: "rg", namespace: "Microsoft.Compute")
            .child(type: "virtualMachines", name: "vm1")
        #expect(vm.string == "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1")
    }

    @Test("ids that differ only in case share a key, so lookups by key ignore case")
    func keysAsLookups() throws {
        let a = try #require(ResourceID.parse(Self.rpcString))
        let b = try #require(ResourceID.parse(Self.rpcString.uppercased()))
        let table = [a.key: 1]
        #expect(table[b.key] == 1)
    }
}
