import Dispatch
import EmuCore
import Foundation
import Synchronization
import Testing

/// Many clients at once against one server: nothing written is lost and the server keeps serving.
@Suite("Live: concurrency")
struct LiveConcurrencyTests {
    static let clients = 200
    static let groups = 20

    @Test("200 concurrent connections, each PUT RG / VM / RPC and GETs: every resource is there afterwards")
    func concurrentClients() throws {
        let dir = try TempDirectory("concurrency")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let port = server.httpPort
        let failures = Failures()
        let started = DispatchGroup()
        let finished = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        for i in 0..<Self.clients {
            started.enter()
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                let c: LiveClient
                do {
                    c = try LiveClient(port: port, timeout: 60)
                } catch {
                    started.leave()
                    failures.list.withLock { $0.append("client \(i): \(error)") }
                    return
                }
                started.leave()
                go.wait()  // every thread holds an open connection before any request is sent
                for problem in Self.work(c, i, failures) {
                    failures.list.withLock { $0.append("client \(i): \(problem)") }
                }
            }
            thread.start()
        }
        #expect(started.wait(timeout: .now() + 60) == .success, "not every client connected")
        for _ in 0..<Self.clients { go.signal() }
        #expect(finished.wait(timeout: .now() + 120) == .success, "clients still running after 120 s")
        let problems = failures.list.withLock { $0 }
        #expect(problems.isEmpty, "\(problems.count) failures, first: \(problems.prefix(5))")

        // Ten clients raced to create each group: exactly one of them got 201 Created, the others 200.
        let created = failures.created.withLock { $0 }
        #expect(created.count == Self.groups && created.values.allSatisfy { $0 == 1 }, "\(created)")

        // Count through the list endpoints.
        let c = try server.client()
        let groups = try Self.listAll(c, "/subscriptions/\(LiveARM.subscription)/resourcegroups")
        #expect(Set(groups).count == Self.groups, "\(groups.count) groups")
        var vms: [String] = []
        var disks: [String] = []
        for g in 0..<Self.groups {
            vms += try Self.listAll(c, LiveARM.cp("crg-\(g)") + "/virtualMachines")
            disks += try Self.listAll(c, LiveARM.cp("crg-\(g)") + "/disks", api: "2025-01-02")
        }
        #expect(Set(vms) == Set((0..<Self.clients).map { "cvm-\($0)" }), "\(vms.count) VMs")
        #expect(disks.count == 2 * Self.clients, "\(disks.count) disks, 2 per VM expected")
        let rpcs = try Self.listAll(
            c, "/subscriptions/\(LiveARM.subscription)/providers/Microsoft.Compute/restorePointCollections")
        #expect(Set(rpcs) == Set((0..<Self.clients).map { "crpc-\($0)" }), "\(rpcs.count) collections")
        let health = try LiveClient.once(port: port, "GET", "/_emulator/health", auth: false)
        #expect(health.status == 200)
    }

    /// Reads answered from kept renders never go back past a write whose answer came: one client PATCHes a
    /// collection's tag 1, 2, 3 … while four others GET it on their own connections (the event loops), each
    /// checking that it reads at least the last value whose PATCH had returned before its GET was sent.
    @Test("reads during writes: a GET never reads older than a PATCH that had already returned")
    func readsFollowWrites() throws {
        let dir = try TempDirectory("reads-follow-writes")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false)
        defer { server.stop() }
        let c = try server.client()
        let rpc = LiveARM.rpc("rfw", "rpc")
        let vm = LiveARM.vm("rfw", "vm")
        #expect(try c.request("PUT", LiveARM.target(LiveARM.rg("rfw")), body: LiveARM.rgBody()).status == 201)
        #expect(try c.request("PUT", LiveARM.target(vm), body: LiveARM.vmBody("vm")).status == 201)
        #expect(try c.request("PUT", LiveARM.target(rpc), body: LiveARM.rpcBody(source: vm)).status == 201)
        let progress = Progress()
        let failures = Failures()
        let port = server.httpPort
        let readers = DispatchGroup()
        for r in 0..<4 {
            readers.enter()
            Thread {
                defer { readers.leave() }
                do {
                    let client = try LiveClient(port: port)
                    while !progress.done.load(ordering: .acquiring) {
                        let floor = progress.written.load(ordering: .acquiring)
                        let reply = try client.request("GET", LiveARM.target(rpc))
                        let seen = reply.json["tags"]?["n"]?.stringValue.flatMap { Int($0) } ?? 0
                        progress.reads.add(1, ordering: .relaxed)
                        if reply.status != 200 || seen < floor {
                            failures.list.withLock { $0.append("reader \(r): read \(seen) after \(floor) was written") }
                        }
                    }
                } catch {
                    failures.list.withLock { $0.append("reader \(r): \(error)") }
                }
            }.start()
        }
        for n in 1...300 {
            let reply = try c.request("PATCH", LiveARM.target(rpc), body: #"{"tags":{"n":"\#(n)"}}"#)
            #expect(reply.status == 200)
            progress.written.store(n, ordering: .releasing)
        }
        progress.done.store(true, ordering: .releasing)
        #expect(readers.wait(timeout: .now() + 60) == .success)
        let problems = failures.list.withLock { $0 }
        #expect(problems.count == 0, "stale reads, first: \(problems.prefix(5))")
        #expect(progress.reads.load(ordering: .relaxed) > 300)
        #expect(try c.request("GET", LiveARM.target(rpc)).json["tags"]?["n"]?.stringValue == "300")
    }

    /// What the writer of `readsFollowWrites` has had answered, and how many reads the readers made.
    final class Progress: Sendable {
        let written = Atomic<Int>(0)
        let done = Atomic<Bool>(false)
        let reads = Atomic<Int>(0)
    }

    /// Problems reported by the client threads.
    final class Failures: Sendable {
        let list = Mutex<[String]>([])
        /// How many RG PUTs answered 201, per group.
        let created = Mutex<[String: Int]>([:])
    }

    /// One client's requests on its own keep-alive connection; returns what went wrong.
    static func work(_ c: LiveClient, _ i: Int, _ report: Failures) -> [String] {
        var problems: [String] = []
        let group = "crg-\(i % groups)"
        let vm = LiveARM.vm(group, "cvm-\(i)")
        let rpc = LiveARM.rpc(group, "crpc-\(i)")
        let steps: [(String, String, String?, Set<Int>)] = [
            ("PUT", LiveARM.rg(group), LiveARM.rgBody(), [200, 201]),
            ("GET", LiveARM.rg(group), nil, [200]),
            ("PUT", vm, LiveARM.vmBody("cvm-\(i)"), [201]),
            ("GET", vm, nil, [200]),
            ("PUT", rpc, LiveARM.rpcBody(source: vm), [201]),
            ("GET", rpc, nil, [200]),
            ("GET", LiveARM.cp(group) + "/virtualMachines", nil, [200]),
            ("GET", "/subscriptions/\(LiveARM.subscription)", nil, [200]),
        ]
        for (method, path, body, expected) in steps {
            do {
                let r = try c.request(method, LiveARM.target(path), body: body)
                if !expected.contains(r.status) { problems.append("\(method) \(path) → \(r)") }
                if method == "PUT", path == LiveARM.rg(group), r.status == 201 {
                    report.created.withLock { $0[group, default: 0] += 1 }
                }
            } catch {
                problems.append("\(method) \(path): \(error)")
                return problems
            }
        }
        return problems
    }

    /// Every item name of a paged list, following `nextLink`s.
    static func listAll(_ c: LiveClient, _ path: String, api: String? = nil) throws -> [String] {
        var names: [String] = []
        var target: String? = LiveARM.target(path, api: api)
        var pages = 0
        while let t = target, pages < 100 {
            let r = try c.request("GET", t)
            #expect(r.status == 200, "\(t): \(r)")
            names += r.json["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            target = r.json["nextLink"]?.stringValue.flatMap { LiveARM.split($0)?.target }
            pages += 1
        }
        return names
    }
}
