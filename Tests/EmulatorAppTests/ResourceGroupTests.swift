import EmuCore
import EmuHTTP
import EmulatorApp
import Testing

@Suite("Resource groups")
struct ResourceGroupTests {
    @Test func createThenUpdateThenGet() throws {
        let e = try TestEmulator()
        let created = e.call(
            .put, e.rg("rg1"), api: "2024-11-01", body: ["location": "eastus", "tags": ["env": "test"]])
        #expect(created.status == 201)
        #expect(created.json["id"]?.stringValue == "/subscriptions/\(e.sub)/resourceGroups/rg1")
        #expect(created.json["type"]?.stringValue == "Microsoft.Resources/resourceGroups")
        #expect(created.json["properties"]?["provisioningState"]?.stringValue == "Succeeded")
        #expect(created.json["tags"]?["env"]?.stringValue == "test")
        let updated = e.call(.put, e.rg("rg1"), api: "2024-11-01", body: ["location": "eastus"])
        #expect(updated.status == 200)
        #expect(updated.json["tags"] == nil)
        // az reads the group with a lower-case path (reference/clients.md §2.2).
        let read = e.call(.get, "/subscriptions/\(e.sub)/resourcegroups/RG1", api: "2024-11-01")
        #expect(read.status == 200)
        #expect(read.json["name"]?.stringValue == "rg1")
    }

    @Test func locationIsRequiredAndCannotChange() throws {
        let e = try TestEmulator()
        let missing = e.call(.put, e.rg("rg1"), api: "2024-11-01", body: ["tags": [:]])
        #expect(missing.status == 400)
        #expect(missing.errorCode == "LocationRequired")
        e.makeResourceGroup("rg1", location: "eastus")
        let moved = e.call(.put, e.rg("rg1"), api: "2024-11-01", body: ["location": "westus"])
        #expect(moved.status == 409)
        #expect(moved.errorCode == "InvalidResourceGroupLocation")
        // The same region written another way is the same region.
        #expect(e.call(.put, e.rg("rg1"), api: "2024-11-01", body: ["location": "East US"]).status == 200)
    }

    @Test func headAnswers204Or404WithoutBody() throws {
        let e = try TestEmulator()
        let absent = e.call(.head, e.rg("nope"), api: "2024-11-01")
        #expect(absent.status == 404)
        e.makeResourceGroup()
        let present = e.call(.head, e.rg("rg1"), api: "2024-11-01")
        #expect(present.status == 204)
        #expect(present.body.isEmpty)
    }

    @Test func missingGroupIsResourceGroupNotFound() throws {
        let e = try TestEmulator()
        let r = e.call(.get, e.rg("ghost"), api: "2024-11-01")
        #expect(r.status == 404)
        #expect(r.errorCode == "ResourceGroupNotFound")
        #expect(r.json["error"]?["message"]?.stringValue == "Resource group 'ghost' could not be found.")
        let vm = e.call(.get, e.cp("ghost") + "/virtualMachines/vm1")
        #expect(vm.errorCode == "ResourceGroupNotFound")
    }

    @Test func listPagesWithNextLink() throws {
        let e = try TestEmulator { $0.pageSize = 2 }
        for i in 0..<5 { e.makeResourceGroup("rg\(i)") }
        var names: [String] = []
        var next: String? = "/subscriptions/\(e.sub)/resourcegroups?api-version=2024-11-01"
        var pages = 0
        while let link = next {
            let r = link.hasPrefix("https://") ? e.follow(link) : e.call(.get, link, api: nil)
            #expect(r.status == 200)
            names += r.json["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            next = r.json["nextLink"]?.stringValue
            if let next {
                #expect(next.hasPrefix("https://\(TestEmulator.host)/") && next.contains("api-version=2024-11-01"))
            }
            pages += 1
        }
        #expect(pages == 3)
        #expect(names == ["rg0", "rg1", "rg2", "rg3", "rg4"])
    }

    @Test func deleteIsALongRunningCascade() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        e.makeVM()
        let del = e.call(.delete, e.rg("rg1"), api: "2024-11-01")
        #expect(del.status == 202)
        let status = e.follow(del.headers["Azure-AsyncOperation"])
        #expect(status.json["status"]?.stringValue == "InProgress")
        // Everything inside is gone at once; the group itself reads Deleting until the delete time passes.
        #expect(e.call(.get, e.cp("rg1") + "/disks", api: "2026-03-02").errorCode == "ResourceGroupBeingDeleted")
        try e.advance(seconds: 2)
        #expect(e.follow(del.headers["Azure-AsyncOperation"]).json["status"]?.stringValue == "Succeeded")
        #expect(e.call(.get, e.rg("rg1"), api: "2024-11-01").status == 404)
        e.makeResourceGroup()
        #expect(e.call(.get, e.vmID()).status == 404)
        #expect(e.call(.delete, e.rg("ghost"), api: "2024-11-01").errorCode == "ResourceGroupNotFound")
    }

    @Test func subscriptionsListTheDefaultAndUsedOnes() throws {
        let e = try TestEmulator()
        let other = "11111111-2222-3333-4444-555555555555"
        e.call(.put, "/subscriptions/\(other)/resourceGroups/x", api: "2024-11-01", body: ["location": "eastus"])
        let list = e.call(.get, "/subscriptions", api: "2022-12-01")
        let ids = list.json["value"]?.arrayValue?.compactMap { $0["subscriptionId"]?.stringValue } ?? []
        #expect(Set(ids) == [TestEmulator.subscription, other])
        let one = e.call(.get, "/subscriptions/\(TestEmulator.subscription)", api: "2022-12-01")
        #expect(one.json["state"]?.stringValue == "Enabled")
        #expect(one.json["tenantId"]?.stringValue?.isEmpty == false)
        #expect(
            e.call(.get, "/subscriptions/99999999-0000-0000-0000-000000000000", api: "2022-12-01").errorCode
                == "SubscriptionNotFound")
    }
}
