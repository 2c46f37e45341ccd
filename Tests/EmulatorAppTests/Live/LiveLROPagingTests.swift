import EmuCore
import EmulatorApp
import RestorePointEngine
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Long-running operations followed in real time, and paged lists followed by their absolute `nextLink`s.
@Suite("Live: LRO polling and paging over the wire")
struct LiveLROPagingTests {
    @Test("PUT VM → poll Azure-AsyncOperation until Succeeded → the Location monitor answers 200 with the VM")
    func pollsToCompletion() throws {
        let dir = try TempDirectory("lro")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data"), https: false) { $0.timings.resourceCreate = 0.3 }
        defer { server.stop() }
        let c = try server.client()
        let base = "http://\(c.authority)"
        #expect(try c.request("PUT", LiveARM.target(LiveARM.rg("lro")), body: LiveARM.rgBody()).status == 201)
        let vmPath = LiveARM.vm("lro", "lro-vm")
        let put = try c.request("PUT", LiveARM.target(vmPath), body: LiveARM.vmBody("lro-vm"))
        #expect(put.status == 201, "\(put)")
        let vmID = put.json["properties"]?["vmId"]?.stringValue
        let asyncURL = try #require(put.header("Azure-AsyncOperation"), "\(put.headers)")
        let location = try #require(put.header("Location"), "\(put.headers)")
        #expect(put.header("Retry-After") == "1")
        #expect(location == asyncURL + "&monitor=true", "\(location)")
        let status = try #require(LiveARM.split(asyncURL), "\(asyncURL)")
        #expect(status.base == base, "\(asyncURL)")
        #expect(status.target.lowercased().contains("/providers/microsoft.compute/locations/eastus/operations/"))
        let operationID = status.target.split(separator: "/").last?.split(separator: "?").first.map(String.init)
        #expect(operationID == put.header("x-ms-request-id"), "\(asyncURL)")

        // Poll every 100 ms, at most 300 times (30 s) for an operation of 0.3 s.
        var states: [String] = []
        var final = JSON.null
        for _ in 0..<300 {
            let r = try c.request("GET", status.target)
            #expect(r.status == 200, "\(r)")
            let state = r.json["status"]?.stringValue ?? "?"
            if states.last != state { states.append(state) }
            if state != "InProgress" {
                final = r.json
                break
            }
            usleep(100_000)
        }
        #expect(states.last == "Succeeded", "states seen: \(states)")
        #expect(Set(states).isSubset(of: ["InProgress", "Succeeded"]), "\(states)")
        #expect(final["name"]?.stringValue == operationID)
        #expect(final["startTime"]?.stringValue != nil)
        #expect(final["endTime"]?.stringValue != nil)

        let monitor = try #require(LiveARM.split(location))
        #expect(monitor.base == base)
        let result = try c.request("GET", monitor.target)
        #expect(result.status == 200, "\(result)")
        #expect(result.json["id"]?.stringValue == vmPath, "\(result)")
        #expect(result.json["properties"]?["vmId"]?.stringValue == vmID)
        #expect(result.json["properties"]?["provisioningState"]?.stringValue == "Succeeded", "\(result)")
        let vm = try c.request("GET", LiveARM.target(vmPath))
        #expect(vm.json["properties"]?["provisioningState"]?.stringValue == "Succeeded", "\(vm)")
    }

    @Test("pageSize 2, five collections: three pages over HTTP, each nextLink on the same scheme and host:port")
    func pagesOverHTTP() throws {
        let dir = try TempDirectory("paging")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data")) { $0.pageSize = 2 }
        defer { server.stop() }
        let c = try server.client()
        let names = try Self.makeCollections(c, group: "pg")
        let base = "http://\(c.authority)"

        for listPath in [
            LiveARM.cp("pg") + "/restorePointCollections",
            "/subscriptions/\(LiveARM.subscription)/providers/Microsoft.Compute/restorePointCollections",
        ] {
            var next: String? = base + LiveARM.target(listPath)
            var pages: [[String]] = []
            while let url = next, pages.count < 10 {
                let link = try #require(LiveARM.split(url), "\(url)")
                #expect(link.base == base, "nextLink \(url) leaves \(base)")
                let r = try c.request("GET", link.target)
                #expect(r.status == 200, "\(r)")
                pages.append(r.json["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
                next = r.json["nextLink"]?.stringValue
            }
            #expect(pages.map(\.count) == [2, 2, 1], "\(listPath): \(pages)")
            #expect(pages.flatMap { $0 }.sorted() == names, "\(listPath): \(pages)")
        }
    }

    @Test("the same pages over HTTPS with curl: nextLinks are https on the HTTPS port")
    func pagesOverHTTPS() throws {
        let dir = try TempDirectory("paging-tls")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data")) { $0.pageSize = 2 }
        defer { server.stop() }
        let names = try Self.makeCollections(try server.client(), group: "pgs")
        let curl = Curl(scratch: dir.path, caCertificate: server.caPath)
        let base = "https://127.0.0.1:\(server.httpsPort)"
        var next: String? = base + LiveARM.target(LiveARM.cp("pgs") + "/restorePointCollections")
        var seen: [String] = []
        var pages = 0
        while let url = next, pages < 10 {
            #expect(url.hasPrefix(base + "/"), "nextLink \(url) leaves \(base)")
            let r = try curl.run("GET", url)
            #expect(r.status == 200, "\(r)")
            seen += r.json["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            next = r.json["nextLink"]?.stringValue
            pages += 1
        }
        #expect(pages == 3)
        #expect(seen.sorted() == names)
    }

    /// An RG, a VM and five collections on it; returns the collection names, sorted.
    static func makeCollections(_ c: LiveClient, group: String) throws -> [String] {
        #expect(try c.request("PUT", LiveARM.target(LiveARM.rg(group)), body: LiveARM.rgBody()).status == 201)
        let vm = LiveARM.vm(group, "src")
        #expect(try c.request("PUT", LiveARM.target(vm), body: LiveARM.vmBody("src")).status == 201)
        let names = (1...5).map { "rpc-\($0)" }
        for name in names {
            let r = try c.request("PUT", LiveARM.target(LiveARM.rpc(group, name)), body: LiveARM.rpcBody(source: vm))
            #expect(r.status == 201, "\(r)")
        }
        return names.sorted()
    }
}
