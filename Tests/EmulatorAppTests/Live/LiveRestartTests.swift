import EmuCore
import Testing

/// `stop()` then a new `Emulator` on the same data directory: resources and operations come back (CONTRACT.md §9).
@Suite("Live: restart persistence")
struct LiveRestartTests {
    @Test("RG, VM and collection read back identically after a restart; an earlier operation still answers")
    func survivesRestart() throws {
        let dir = try TempDirectory("restart")
        defer { dir.remove() }
        let data = dir.file("data")
        let vmPath = LiveARM.vm("keep", "keep-vm")
        let rpcPath = LiveARM.rpc("keep", "keep-rpc")
        let paths = [LiveARM.rg("keep"), vmPath, rpcPath]

        var before: [JSON] = []
        let statusTarget: String
        let operationID: String?
        do {
            let first = try LiveServer(dataDirectory: data)
            defer { first.stop() }
            let c = try first.client()
            #expect(try c.request("PUT", LiveARM.target(paths[0]), body: LiveARM.rgBody()).status == 201)
            let vm = try c.request("PUT", LiveARM.target(vmPath), body: LiveARM.vmBody("keep-vm"))
            #expect(vm.status == 201, "\(vm)")
            #expect(
                try c.request("PUT", LiveARM.target(rpcPath), body: LiveARM.rpcBody(source: vmPath)).status == 201)
            let url = try #require(vm.header("Azure-AsyncOperation"))
            statusTarget = try #require(LiveARM.split(url)).target
            operationID = vm.header("x-ms-request-id")
            for p in paths {
                let r = try c.request("GET", LiveARM.target(p))
                #expect(r.status == 200, "\(r)")
                before.append(r.json)
            }
        }

        let second = try LiveServer(dataDirectory: data)
        defer { second.stop() }
        let c = try second.client()
        var after: [JSON] = []
        for p in paths {
            let r = try c.request("GET", LiveARM.target(p))
            #expect(r.status == 200, "\(p): \(r)")
            after.append(r.json)
        }
        try #require(after.count == 3 && before.count == 3)
        for i in 0..<3 { #expect(after[i]["id"]?.stringValue == paths[i]) }
        #expect(after[0] == before[0], "RG changed across the restart")
        #expect(after[2] == before[2], "RPC changed across the restart")
        #expect(after[1]["properties"]?["vmId"] == before[1]["properties"]?["vmId"])
        #expect(after[1]["properties"]?["vmId"]?.stringValue != nil)
        #expect(
            after[1]["properties"]?["storageProfile"]?["dataDisks"]
                == before[1]["properties"]?["storageProfile"]?["dataDisks"])
        #expect(
            after[2]["properties"]?["restorePointCollectionId"]?.stringValue
                == before[2]["properties"]?["restorePointCollectionId"]?.stringValue)

        let status = try c.request("GET", statusTarget)
        #expect(status.status == 200, "\(status)")
        #expect(status.json["name"]?.stringValue == operationID)
        #expect(["InProgress", "Succeeded"].contains(status.json["status"]?.stringValue ?? ""), "\(status)")
        let monitor = try c.request("GET", statusTarget + "&monitor=true")
        #expect([200, 202].contains(monitor.status), "\(monitor)")
    }
}
