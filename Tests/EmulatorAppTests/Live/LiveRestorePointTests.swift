import EmuCore
import EmulatorApp
import Testing

/// A restore point's whole life over the wire: PUT, LRO, instance view through every state of CONTRACT.md §5.2
/// with `POST /_emulator/clock` between reads, disk restore points on a DiskRP version, delete.
@Suite("Live: a restore point's life over HTTP")
struct LiveRestorePointTests {
    @Test func throughEveryStateWithTheClock() throws {
        let dir = try TempDirectory("rp-life")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false) { $0.clockFrozen = true }
        defer { server.stop() }
        let c = try server.client()
        #expect(try c.request("PUT", LiveARM.target(LiveARM.rg("life")), body: LiveARM.rgBody()).status == 201)
        let vm = LiveARM.vm("life", "vm1")
        #expect(try c.request("PUT", LiveARM.target(vm), body: LiveARM.vmBody("vm1")).status == 201)
        let rpc = LiveARM.rpc("life", "rpc1")
        #expect(try c.request("PUT", LiveARM.target(rpc), body: LiveARM.rpcBody(source: vm)).status == 201)
        let rp = rpc + "/restorePoints/rp1"
        let put = try c.request(
            "PUT", LiveARM.target(rp), body: #"{"properties":{"instantAccessDurationMinutes":120}}"#)
        #expect(put.status == 201)
        let status = try #require(put.header("Azure-AsyncOperation").flatMap(LiveARM.split))

        func move(_ advance: String) throws -> [String] {
            let r = try c.request("POST", "/_emulator/clock", body: #"{"advance":"\#(advance)"}"#, auth: false)
            #expect(r.status == 200)
            return r.json["changes"]?.arrayValue?.compactMap { $0["to"]?.stringValue } ?? []
        }
        func aggregate() throws -> String? {
            let r = try c.request("GET", LiveARM.target(rp + "?$expand=instanceView"))
            return r.json["properties"]?["instantAccessStatus"]?.stringValue
        }
        #expect(try aggregate() == "Pending")
        #expect(try c.request("GET", status.target).json["status"]?.stringValue == "InProgress")
        #expect(try move("PT15S").contains("InstantAccess"))
        #expect(try c.request("GET", status.target).json["status"]?.stringValue == "Succeeded")
        #expect(try aggregate() == "InstantAccess")
        #expect(try move("PT30M").contains("AvailableWithInstantAccess"))
        #expect(try aggregate() == "AvailableWithInstantAccess")
        #expect(try move("PT2H").contains("Available"))
        #expect(try aggregate() == "Available")

        let drps = try c.request("GET", LiveARM.target(rp + "/diskRestorePoints", api: "2026-03-02"))
        #expect(drps.status == 200)
        #expect(drps.json["value"]?.arrayValue?.count == 2)
        let del = try c.request("DELETE", LiveARM.target(rp))
        #expect(del.status == 202)
        _ = try move("PT5S")
        #expect(try c.request("GET", LiveARM.target(rp)).status == 404)
    }
}
