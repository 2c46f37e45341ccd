import Dispatch
import EmuCore
import EmulatorApp
import Foundation
import Synchronization
import Testing

/// The creation races of `RaceTests` over sockets: there, requests run on their callers' threads; here they go
/// through the write queue, where concurrent creates share a transaction, so each one must still see the ones
/// before it in its batch (docs/architecture.md "Writes").
@Suite("Live: races through the write queue")
struct LiveWriteBatchTests {
    /// Sends every request at once, each on its own connection opened beforehand; the statuses in request order
    /// (-1 for a request that failed on the wire).
    static func race(_ port: UInt16, _ requests: [(path: String, body: String)]) throws -> [Int] {
        let statuses = Mutex([Int](repeating: -1, count: requests.count))
        let connected = DispatchGroup()
        let finished = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        for (i, request) in requests.enumerated() {
            connected.enter()
            finished.enter()
            Thread {
                defer { finished.leave() }
                let client = try? LiveClient(port: port, timeout: 60)
                connected.leave()
                go.wait()  // every connection is open before any request is sent
                let status = try? client?.request("PUT", LiveARM.target(request.path), body: request.body).status
                statuses.withLock { $0[i] = status ?? -1 }
            }.start()
        }
        #expect(connected.wait(timeout: .now() + 60) == .success)
        for _ in requests { go.signal() }
        #expect(finished.wait(timeout: .now() + 120) == .success)
        return statuses.withLock { $0 }
    }

    static func setUp(_ port: UInt16, vms: Int) throws {
        let c = try LiveClient(port: port)
        #expect(try c.request("PUT", LiveARM.target(LiveARM.rg("rg")), body: LiveARM.rgBody()).status == 201)
        for i in 0..<vms {
            let vm = LiveARM.vm("rg", "vm\(i)")
            #expect(try c.request("PUT", LiveARM.target(vm), body: LiveARM.vmBody("vm\(i)")).status == 201)
            let rpc = LiveARM.rpc("rg", "rpc\(i)")
            #expect(try c.request("PUT", LiveARM.target(rpc), body: LiveARM.rpcBody(source: vm)).status == 201)
        }
    }

    @Test func concurrentCreatesOnOneVMGetExactlyOne201() throws {
        let dir = try TempDirectory("batch-vm")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        try Self.setUp(server.httpPort, vms: 1)
        let requests = (0..<8).map { (path: LiveARM.rpc("rg", "rpc0") + "/restorePoints/rp\($0)", body: "{}") }
        let statuses = try Self.race(server.httpPort, requests)
        #expect(statuses.sorted() == [201] + Array(repeating: 409, count: 7), "\(statuses)")
    }

    @Test func sixtyInstantAccessCreatesGetExactlyFifty() throws {
        let dir = try TempDirectory("batch-ia")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        try Self.setUp(server.httpPort, vms: 60)
        let requests = (0..<60).map { (path: LiveARM.rpc("rg", "rpc\($0)") + "/restorePoints/rp", body: "{}") }
        let statuses = try Self.race(server.httpPort, requests)
        #expect(statuses.filter { $0 == 201 }.count == 50, "\(statuses)")
        #expect(statuses.filter { $0 == 409 }.count == 10, "\(statuses)")
        // What was answered 201 is what is stored: 50 restore points, across the collections that got a 201.
        let c = try server.client()
        for (i, status) in statuses.enumerated() {
            let r = try c.request("GET", LiveARM.target(LiveARM.rpc("rg", "rpc\(i)") + "/restorePoints/rp"))
            #expect(r.status == (status == 201 ? 200 : 404), "rpc\(i): created \(status), read \(r.status)")
        }
    }

    /// Control-plane writes are queued like ARM writes: a clock move's streamed answer, a reset, a seed, over a
    /// socket and in order with the ARM writes around them.
    @Test func controlPlaneWritesAreAnsweredThroughTheQueue() throws {
        let dir = try TempDirectory("batch-control")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false) { $0.clockFrozen = true }
        defer { server.stop() }
        try Self.setUp(server.httpPort, vms: 1)
        let c = try server.client()
        let rp = LiveARM.rpc("rg", "rpc0") + "/restorePoints/rp1"
        #expect(try c.request("PUT", LiveARM.target(rp), body: "{}").status == 201)
        let moved = try c.request("POST", "/_emulator/clock", body: #"{"advance":"P1D"}"#, auth: false)
        #expect(moved.status == 200)
        #expect((moved.json["changes"]?.arrayValue?.count ?? 0) > 0)
        #expect(try c.request("POST", "/_emulator/reset", body: "{}", auth: false).status == 200)
        #expect(try c.request("GET", LiveARM.target(LiveARM.rg("rg"))).status == 404)
        let seed = #"{"resourceGroups":[{"name":"seeded","location":"eastus"}]}"#
        #expect(try c.request("POST", "/_emulator/seed", body: seed, auth: false).status == 200)
        #expect(try c.request("GET", LiveARM.target(LiveARM.rg("seeded"))).status == 200)
    }
}
