import EmuCore
import EmuHTTP
import EmulatorApp
import RestorePointEngine
import Testing

@Suite("Restore points")
struct RestorePointTests {
    /// A group, a Linux VM with a Premium SSD OS disk and a 32 GiB PV2 data disk, and an IA collection.
    private func setUp(_ configure: (inout EmulatorConfig) -> Void = { _ in }) throws -> TestEmulator {
        let e = try TestEmulator(configure)
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        try e.advance(seconds: 5)
        return e
    }

    private func rp(_ e: TestEmulator, _ name: String = "rp1") -> String {
        e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/\(name)"
    }

    private func clock(_ e: TestEmulator, _ body: JSON) -> Reply {
        e.call(.post, "/_emulator/clock", api: nil, body: body)
    }

    @Test func createAnswers201CreatingThenSucceeds() throws {
        let e = try setUp()
        let put = e.call(.put, rp(e), body: ["properties": ["instantAccessDurationMinutes": 120]])
        #expect(put.status == 201)
        #expect(put.headers["Azure-AsyncOperation"] != nil)
        let p = try #require(put.json["properties"])
        #expect(p["provisioningState"]?.stringValue == "Creating")
        #expect(p["instantAccessDurationMinutes"]?.intValue == 120)
        #expect(p["consistencyMode"] == nil)
        #expect(p["timeCreated"]?.stringValue.flatMap(Timestamp.init(iso8601:)) != nil)
        #expect(p["sourceMetadata"]?["vmId"] != nil)
        #expect(p["sourceMetadata"]?["storageProfile"]?["osDisk"]?["diskRestorePoint"] == nil)
        #expect(put.json["type"] == nil)
        #expect(e.call(.put, rp(e), body: ["properties": [:]]).errorCode == "OperationNotAllowed")

        try e.advance(seconds: 15)
        #expect(e.follow(put.headers["Azure-AsyncOperation"]).json["status"]?.stringValue == "Succeeded")
        let monitor = e.follow(put.headers["Location"])
        #expect(monitor.status == 200)
        let done = try #require(monitor.json["properties"])
        #expect(done["provisioningState"]?.stringValue == "Succeeded")
        #expect(done["consistencyMode"]?.stringValue == "FileSystemConsistent")
        let os = done["sourceMetadata"]?["storageProfile"]?["osDisk"]?["diskRestorePoint"]
        #expect(os?["encryption"]?["type"]?.stringValue == "EncryptionAtRestWithPlatformKey")
        let osDRP = try #require(os?["id"]?.stringValue)
        #expect(osDRP.hasPrefix(rp(e) + "/diskRestorePoints/vm1_OsDisk_1_"))
        #expect(done["instantAccessStatus"]?.stringValue == "InstantAccess")
    }

    @Test func instanceViewWalksTheInstantAccessStates() throws {
        let e = try setUp()
        e.call(.put, rp(e), body: ["properties": ["instantAccessDurationMinutes": 120]])
        func view() -> JSON { e.call(.get, rp(e) + "?$expand=instanceView").json["properties"] ?? .null }
        #expect(view()["instantAccessStatus"]?.stringValue == "Pending")
        let first = clock(e, ["advanceSeconds": 15])
        let changed = first.json["changes"]?.arrayValue ?? []
        #expect(
            changed.contains {
                $0["to"]?.stringValue == "InstantAccess" && $0["property"]?.stringValue == "snapshotAccessState"
            })
        var v = view()
        let listed = v["instanceView"]?["diskRestorePoints"]?.arrayValue ?? []
        // Only the PV2 disk is listed (CONTRACT.md §4.3, real traffic).
        #expect(listed.count == 1)
        #expect(listed.first?["id"]?.stringValue?.contains("/diskRestorePoints/vm1_DataDisk_0_") == true)
        #expect(listed.first?["snapshotAccessState"]?.stringValue == "InstantAccess")
        #expect(listed.first?["replicationStatus"]?["completionPercent"]?.intValue == 0)
        #expect(listed.first?["replicationStatus"]?["status"]?["code"]?.stringValue == "ReplicationState/replicating")
        #expect(v["instanceView"]?["statuses"]?.arrayValue?.first?["displayStatus"]?.stringValue == "Replicating")
        // 32 GiB at 25 MiB/s: 1310.72 s of background copy.
        let copy = clock(e, ["advance": "PT22M"])
        let causes = copy.json["changes"]?.arrayValue?.compactMap { $0["cause"]?.stringValue } ?? []
        #expect(
            causes.contains {
                $0.hasPrefix("InstantAccess → AvailableWithInstantAccess at ")
                    && $0.contains("background copy of 32.0 GiB done")
            })
        v = view()
        #expect(v["instantAccessStatus"]?.stringValue == "AvailableWithInstantAccess")
        #expect(
            v["instanceView"]?["diskRestorePoints"]?.arrayValue?.first?["replicationStatus"]?["completionPercent"]?
                .intValue == 100)
        let end = clock(e, ["advance": "PT2H"])
        let last = end.json["changes"]?.arrayValue ?? []
        #expect(
            last.contains {
                $0["cause"]?.stringValue?.contains("instant access duration of 120 minutes elapsed") == true
            })
        #expect(view()["instantAccessStatus"]?.stringValue == "Available")
    }

    @Test func diskRestorePointsOnDiskRPVersions() throws {
        let e = try setUp()
        e.call(.put, rp(e), body: ["properties": ["instantAccessDurationMinutes": 120]])
        #expect(e.call(.get, rp(e) + "/diskRestorePoints", api: "2026-03-02").json["value"]?.arrayValue?.count == 0)
        try e.advance(seconds: 15)
        let list = e.call(.get, rp(e) + "/diskRestorePoints", api: "2026-03-02")
        let items = list.json["value"]?.arrayValue ?? []
        #expect(items.count == 2)
        let pv2 = try #require(items.first { $0["name"]?.stringValue?.hasPrefix("vm1_DataDisk_0_") == true })
        #expect(pv2["properties"]?["snapshotAccessState"]?.stringValue == "InstantAccess")
        #expect(pv2["properties"]?["logicalSectorSize"]?.intValue == 4096)
        #expect(pv2["properties"]?["familyId"]?.stringValue?.count == 36)
        #expect(pv2["properties"]?["sourceResourceId"]?.stringValue == e.cp("rg1") + "/disks/vm1_DataDisk_0")
        let name = try #require(pv2["name"]?.stringValue)
        let old = e.call(.get, rp(e) + "/diskRestorePoints/\(name)", api: "2025-01-02")
        #expect(old.status == 200)
        #expect(old.json["properties"]?["snapshotAccessState"] == nil)
        #expect(
            e.call(.get, rp(e) + "/diskRestorePoints/\(name)", api: "2025-04-01").errorCode
                == "InvalidApiVersionParameter")
        #expect(e.call(.get, rp(e) + "/diskRestorePoints/nope", api: "2026-03-02").errorCode == "ResourceNotFound")
    }

    @Test func diskRestorePointListPages() throws {
        let e = try setUp { $0.pageSize = 1 }
        e.call(.put, rp(e), body: ["properties": [:]])
        try e.advance(seconds: 15)
        let names = TestEmulator.pages(e, rp(e) + "/diskRestorePoints?api-version=2026-03-02")
        #expect(names.count == 2)
        #expect(Set(names).count == 2)
    }

    @Test func collectionExpandListsRestorePointsAndDeleteCascades() throws {
        let e = try setUp()
        e.call(.put, rp(e, "a"), body: ["properties": [:]])
        try e.advance(seconds: 15)
        e.call(.put, rp(e, "b"), body: ["properties": [:]])
        let rpc = e.cp("rg1") + "/restorePointCollections/rpc1"
        let expanded =
            e.call(.get, rpc + "?$expand=restorePoints").json["properties"]?["restorePoints"]?.arrayValue ?? []
        #expect(expanded.compactMap { $0["name"]?.stringValue } == ["a", "b"])
        let del = e.call(.delete, rp(e, "a"))
        #expect(del.status == 202)
        #expect(e.call(.get, rp(e, "a")).json["properties"]?["provisioningState"]?.stringValue == "Deleting")
        try e.advance(seconds: 2)
        #expect(e.call(.get, rp(e, "a")).errorCode == "ResourceNotFound")
        #expect(e.call(.delete, rp(e, "a")).status == 204)
        #expect(e.call(.delete, rpc).status == 202)
        try e.advance(seconds: 2)
        e.makeCollection()
        #expect(e.call(.get, rp(e, "b")).errorCode == "ResourceNotFound")
    }

    @Test func excludeDisks() throws {
        let e = try setUp()
        let dataDisk = e.cp("rg1") + "/disks/vm1_DataDisk_0"
        let put = e.call(.put, rp(e), body: ["properties": ["excludeDisks": [["id": .string(dataDisk)]]]])
        #expect(put.status == 201)
        #expect(put.json["properties"]?["sourceMetadata"]?["storageProfile"]?["dataDisks"]?.arrayValue?.count == 0)
        #expect(put.json["properties"]?["excludeDisks"]?.arrayValue?.count == 1)
        let bad = e.call(
            .put, rp(e, "x"),
            body: [
                "properties": [
                    "excludeDisks": [["id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/disks/z"]]
                ]
            ])
        #expect(bad.status == 400)
        #expect(bad.json["error"]?["target"]?.stringValue == "excludeDisks")
    }

    @Test func rulesRefuseWithTheirOwnErrors() throws {
        let e = try setUp()
        let old = e.call(.put, rp(e), api: "2024-11-01", body: ["properties": [:]])
        #expect(old.status == 400)
        #expect(old.json["error"]?["message"]?.stringValue?.contains("2025-04-01 or later") == true)
        let short = e.call(.put, rp(e), body: ["properties": ["instantAccessDurationMinutes": 30]])
        #expect(short.json["error"]?["target"]?.stringValue == "properties.instantAccessDurationMinutes")
        let mode = e.call(.put, rp(e), body: ["properties": ["consistencyMode": "ApplicationConsistent"]])
        #expect(mode.json["error"]?["target"]?.stringValue == "properties.consistencyMode")
        #expect(e.call(.put, rp(e, "one"), body: ["properties": [:]]).status == 201)
        let second = e.call(.put, rp(e, "two"), body: ["properties": [:]])
        #expect(second.status == 409)
        #expect(second.errorCode == "VMRestorePointClientError")
        #expect(
            second.json["error"]?["message"]?.stringValue
                == "RestorePoint creation failed since a concurrent 'Create RestorePoint' operation was triggered on the VM."
        )
        try e.advance(seconds: 15)
        #expect(e.call(.put, rp(e, "two"), body: ["properties": [:]]).status == 201)
    }

    @Test(arguments: [
        ("v6", ["hardwareProfile": ["vmSize": "Standard_D2s_v6"]] as JSONObject),
        ("nvme", ["hardwareProfile": ["vmSize": "Standard_D2s_v5"]] as JSONObject),
        (
            "trusted",
            ["hardwareProfile": ["vmSize": "Standard_D2s_v5"], "securityProfile": ["securityType": "TrustedLaunch"]]
                as JSONObject
        ),
    ])
    func unsupportedVMs(name: String, extra: JSONObject) throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        var props = extra
        if name == "nvme" {
            props["storageProfile"] = [
                "diskControllerType": "NVMe",
                "osDisk": ["createOption": "FromImage", "managedDisk": ["storageAccountType": "Premium_LRS"]],
                "dataDisks": [
                    [
                        "lun": 0, "createOption": "Empty", "diskSizeGB": 8,
                        "managedDisk": ["storageAccountType": "PremiumV2_LRS"],
                    ]
                ],
            ]
        }
        e.makeVM(extra: props)
        e.makeCollection()
        let r = e.call(.put, e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp", body: ["properties": [:]])
        #expect(r.status == 400)
        #expect(r.errorCode == "OperationNotAllowed")
    }

    @Test func concurrentInstantAccessLimit() throws {
        let e = try TestEmulator { $0.limits.concurrentInstantAccess = 2 }
        e.makeResourceGroup()
        for i in 0..<3 {
            e.makeVM("vm\(i)")
            e.makeCollection("rpc\(i)", source: e.vmID("vm\(i)"))
        }
        func put(_ i: Int) -> Reply {
            e.call(.put, e.cp("rg1") + "/restorePointCollections/rpc\(i)/restorePoints/rp", body: ["properties": [:]])
        }
        #expect(put(0).status == 201)
        #expect(put(1).status == 201)
        let third = put(2)
        #expect(third.status == 409)
        #expect(third.json["error"]?["message"]?.stringValue?.contains("limits.concurrentInstantAccess") == true)
    }

    @Test func timelineAndIntrospection() throws {
        let e = try setUp()
        e.call(.put, rp(e), body: ["properties": ["instantAccessDurationMinutes": 60]])
        let timeline = e.call(.get, "/_emulator/resources" + rp(e) + "/timeline", api: nil)
        #expect(timeline.status == 200)
        let scheduled = timeline.json["scheduled"]?.arrayValue ?? []
        #expect(scheduled.first?["property"]?.stringValue == "provisioningState")
        #expect(
            scheduled.contains {
                $0["cause"]?.stringValue?.contains("instant access duration of 60 minutes elapsed") == true
            })
        let times = scheduled.compactMap { $0["at"]?.stringValue.flatMap(Timestamp.init(iso8601:)) }
        #expect(times == times.sorted())
        let inside = e.call(.get, "/_emulator/resources" + rp(e), api: nil)
        let disks = inside.json["restorePoint"]?["diskRestorePoints"]?.arrayValue ?? []
        #expect(disks.count == 2)
        #expect(disks.contains { $0["sizeBytes"]?.intValue == 32 * 1_073_741_824 })
    }
}

extension TestEmulator {
    /// Follows `nextLink`s from `first` and returns the names seen.
    static func pages(_ e: TestEmulator, _ first: String) -> [String] {
        var names: [String] = []
        var r = e.call(.get, first, api: nil)
        while true {
            names += r.json["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            guard let next = r.json["nextLink"]?.stringValue else { return names }
            r = e.follow(next)
        }
    }
}

@Suite("Introspection of a disk restore point")
struct DiskRestorePointIntrospectionTests {
    @Test func showsSizeDeadlinesAndTimeline() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        let rp = e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp1"
        e.call(.put, rp, body: ["properties": [:]])
        try e.advance(seconds: 15)
        let drps = e.call(.get, rp + "/diskRestorePoints", api: "2026-03-02").json["value"]?.arrayValue ?? []
        let pv2 = try #require(
            drps.first { $0["name"]?.stringValue?.hasPrefix("vm1_DataDisk_0_") == true }?["id"]?.stringValue)
        let view = e.call(.get, "/_emulator/resources" + pv2, api: nil)
        #expect(view.status == 200)
        #expect(view.json["disk"]?["snapshotAccessState"]?.stringValue == "InstantAccess")
        #expect(view.json["disk"]?["sizeBytes"]?.intValue == Int64(32) * 1_073_741_824)
        #expect(view.json["accessGrant"] == .null)
        let timeline = e.call(.get, "/_emulator/resources" + pv2 + "/timeline", api: nil)
        let all = (timeline.json["past"]?.arrayValue ?? []) + (timeline.json["scheduled"]?.arrayValue ?? [])
        #expect(!all.isEmpty)
        #expect(all.allSatisfy { $0["resource"]?.stringValue == pv2 })
    }
}

@Suite("The demo fixture's refusals")
struct DemoRefusalTests {
    @Test func unsupportedVMsPassOnlyWithoutPV2AndInstantAccess() throws {
        let e = try TestEmulator()
        let fixture = try #require(readFixture("demo.json"))
        #expect(e.call(.post, "/_emulator/seed", api: nil, rawBody: fixture).status == 200)
        try e.advance(seconds: 5)
        let cp = e.cp("rg-demo")
        for vm in ["vm-v6", "vm-trusted", "vm-nvme"] {
            let vmID = cp + "/virtualMachines/\(vm)"
            e.call(
                .put, cp + "/restorePointCollections/rpc-\(vm)",
                body: ["location": "eastus", "properties": ["source": ["id": .string(vmID)], "instantAccess": false]])
            let refused = e.call(
                .put, cp + "/restorePointCollections/rpc-\(vm)/restorePoints/rp", body: ["properties": [:]])
            let pv2 = vm == "vm-nvme" ? nil : cp + "/disks/\(vm)_DataDisk_0"
            if let pv2 {
                #expect(refused.status == 400, "\(vm)")
                #expect(refused.errorCode == "OperationNotAllowed", "\(vm)")
                let allowed = e.call(
                    .put, cp + "/restorePointCollections/rpc-\(vm)/restorePoints/rp",
                    body: ["properties": ["excludeDisks": [["id": .string(pv2)]]]])
                #expect(allowed.status == 201, "\(vm)")
            } else {
                // vm-nvme has Premium disks only: without instant access nothing puts it in scope; with it, rule 2.
                #expect(refused.status == 201, "\(vm)")
                e.call(
                    .put, cp + "/restorePointCollections/rpc-ia-\(vm)",
                    body: [
                        "location": "eastus", "properties": ["source": ["id": .string(vmID)], "instantAccess": true],
                    ])
                let withIA = e.call(
                    .put, cp + "/restorePointCollections/rpc-ia-\(vm)/restorePoints/rp", body: ["properties": [:]])
                #expect(withIA.errorCode == "OperationNotAllowed")
            }
        }
    }
}

@Suite("Optional throttling")
struct ThrottlingTests {
    @Test func fourthPutWithinAnHourIs429() throws {
        let e = try TestEmulator { $0.limits.restorePointPutsPerVmPerHour = 3 }
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        let rp = e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/"
        for i in 0..<3 {
            #expect(e.call(.put, rp + "rp\(i)", body: ["properties": [:]]).status == 201)
            try e.advance(seconds: 600)
        }
        let fourth = e.call(.put, rp + "rp3", body: ["properties": [:]])
        #expect(fourth.status == 429)
        #expect(fourth.errorCode == "TooManyRequests")
        let wait = try #require(fourth.headers["Retry-After"].flatMap { Int($0) })
        #expect((1700...1801).contains(wait))
        try e.advance(seconds: Double(wait))
        #expect(e.call(.put, rp + "rp3", body: ["properties": [:]]).status == 201)
    }

    @Test func offByDefault() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        for i in 0..<5 {
            #expect(
                e.call(
                    .put, e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp\(i)", body: ["properties": [:]]
                ).status == 201)
            try e.advance(seconds: 20)
        }
    }
}
