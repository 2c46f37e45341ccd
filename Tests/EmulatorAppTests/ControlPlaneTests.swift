import ARMKit
import EmuCore
import EmuHTTP
import EmulatorApp
import Testing

@Suite("Control plane")
struct ControlPlaneTests {
    @Test func healthConfigAndNoAuth() throws {
        let e = try TestEmulator { $0.pageSize = 7 }
        let health = e.call(.get, "/_emulator/health", api: nil, auth: false)
        #expect(health.status == 200)
        #expect(health.json["status"]?.stringValue == "healthy")
        let config = e.call(.get, "/_emulator/config", api: nil, auth: false)
        #expect(config.json["pageSize"]?.intValue == 7)
        #expect(config.json["timings"]?["resourceCreate"]?.doubleValue == 2)
        #expect(config.json["limits"]?["restorePointCollectionsPerRegion"]?.intValue == 10_000)
        #expect(e.call(.post, "/_emulator/health", api: nil).status == 405)
        // Not started: not ready.
        #expect(e.call(.get, "/_emulator/ready", api: nil).status == 503)
    }

    @Test func resetAndDeleteSubscription() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        let other = "22222222-2222-2222-2222-222222222222"
        e.call(.put, "/subscriptions/\(other)/resourceGroups/keep", api: "2024-11-01", body: ["location": "eastus"])
        let del = e.call(.delete, "/_emulator/subscriptions/\(other)", api: nil)
        #expect(del.json["deleted"]?.boolValue == true)
        #expect(e.call(.get, "/subscriptions/\(other)/resourceGroups/keep", api: "2024-11-01").status == 404)
        #expect(e.call(.get, e.rg("rg1"), api: "2024-11-01").status == 200)
        #expect(e.call(.post, "/_emulator/reset", api: nil).status == 200)
        #expect(e.call(.get, e.rg("rg1"), api: "2024-11-01").status == 404)
        let subs = e.call(.get, "/subscriptions", api: "2022-12-01").json["value"]?.arrayValue ?? []
        #expect(subs.compactMap { $0["subscriptionId"]?.stringValue } == [TestEmulator.subscription])
    }

    @Test func seedTheDemoFixture() throws {
        let e = try TestEmulator()
        let fixture = try #require(readFixture("demo.json"))
        let r = e.call(.post, "/_emulator/seed", api: nil, rawBody: fixture)
        #expect(r.status == 200)
        let applied = r.json["applied"]?.arrayValue ?? []
        #expect(applied.count == 7)
        let vms = e.call(.get, e.cp("rg-demo") + "/virtualMachines").json["value"]?.arrayValue ?? []
        #expect(Set(vms.compactMap { $0["name"]?.stringValue }) == ["vm-app", "vm-v6", "vm-trusted", "vm-nvme"])
        let app = vms.first { $0["name"]?.stringValue == "vm-app" }
        let skus = app?["properties"]?["storageProfile"]?["dataDisks"]?.arrayValue?.compactMap {
            $0["managedDisk"]?["storageAccountType"]?.stringValue
        }
        #expect(skus == ["PremiumV2_LRS", "UltraSSD_LRS"])
        let rpc = e.call(.get, e.cp("rg-demo") + "/restorePointCollections/rpc-app")
        #expect(rpc.json["properties"]?["source"]?["id"]?.stringValue == e.vmID("vm-app", in: "rg-demo"))
        #expect(rpc.json["properties"]?["instantAccess"]?.boolValue == true)
        // Applying it again updates in place: nothing duplicated.
        #expect(e.call(.post, "/_emulator/seed", api: nil, rawBody: fixture).status == 200)
        #expect(e.call(.get, e.cp("rg-demo") + "/disks", api: "2026-03-02").json["value"]?.arrayValue?.count == 10)
    }

    @Test func seedErrorsNameTheItem() throws {
        let e = try TestEmulator()
        let bad: JSON = [
            "resourceGroups": [
                ["name": "rg", "location": "eastus", "virtualMachines": [["name": "v", "properties": [:]]]]
            ]
        ]
        let r = e.call(.post, "/_emulator/seed", api: nil, body: bad)
        #expect(r.status == 400)
        #expect(
            r.json["error"]?["message"]?.stringValue?.hasPrefix("Seed item resourceGroups[0].virtualMachines[0] (v):")
                == true)
        #expect(
            e.call(.post, "/_emulator/seed", api: nil, rawBody: Array("{".utf8)).errorCode == "InvalidRequestContent")
    }

    @Test func caCertificateIs404WithoutHTTPS() throws {
        let e = try TestEmulator()
        #expect(e.call(.get, "/_emulator/tls/ca.pem", api: nil).status == 404)
    }
}

/// The bytes of `fixtures/NAME` from the package root (the tests run from it, or from a subfolder of .build).
func readFixture(_ name: String) -> [UInt8]? {
    var dir = #filePath
    for _ in 0..<3 { dir = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)]) }
    return readFile(dir + "/fixtures/" + name)
}

@Suite("Reset keeps time and the signing secret")
struct ResetKeepsTests {
    @Test func clockAndTokensSurviveAResetAndARestart() throws {
        let dir = "/tmp/rpemu-reset-\(GUID.make())"
        defer { _ = try? removeTree(dir) }
        func open() throws -> TestEmulator {
            try TestEmulator {
                $0.inMemory = false
                $0.dataDirectory = dir
                $0.clockFrozen = true
                $0.auth = .strict
            }
        }
        var e = try open()
        e.call(.post, "/_emulator/clock", api: nil, body: ["advance": "P30D"])
        let before = e.call(.get, "/_emulator/clock", api: nil).json["now"]
        let token = e.call(
            .post, "/t1/oauth2/v2.0/token", api: nil,
            rawBody: Array(
                "grant_type=client_credentials&client_id=a&client_secret=b&scope=https%3A%2F%2Fx%2F.default".utf8),
            headers: [("Content-Type", "application/x-www-form-urlencoded")]
        ).json["access_token"]?.stringValue
        #expect(token != nil)
        #expect(e.call(.post, "/_emulator/reset", api: nil).status == 200)
        e.emulator.stop()
        e = try open()
        #expect(e.call(.get, "/_emulator/clock", api: nil).json["now"] == before)
        defer { e.emulator.stop() }
        let bearer = try #require(token)
        let listed = e.call(
            .get, "/subscriptions", api: "2022-12-01", headers: [("Authorization", "Bearer \(bearer)")], auth: false)
        #expect(listed.status == 200)
        #expect(e.call(.get, "/subscriptions", api: "2022-12-01").status == 401)
    }
}
