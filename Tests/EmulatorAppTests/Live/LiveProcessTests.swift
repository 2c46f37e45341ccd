import EmuCore
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `rpemu` binary as a real process: `kill -9` right after a 2xx loses nothing, SIGTERM stops cleanly
/// (CONTRACT.md §9).
@Suite("Live: the rpemu process", .serialized)
struct LiveProcessTests {
    @Test("SIGKILL right after each of 20 RG PUTs answered 2xx: every RG reads back after a restart")
    func sigkillDurability() throws {
        let dir = try TempDirectory("sigkill")
        defer { dir.remove() }
        let data = dir.file("data")
        var written: [(name: String, body: JSON)] = []
        for i in 0..<20 {
            let name = "killed-\(i)"
            let process = try RPEmuProcess(dataDirectory: data, outputDirectory: dir.path)
            defer { process.cleanUp() }
            let c = try LiveClient(port: process.httpPort)
            // The previous RG, written by the previous (killed) process, is there with the same body.
            if let previous = written.last {
                let r = try c.request("GET", LiveARM.target(LiveARM.rg(previous.name)))
                #expect(r.status == 200, "\(previous.name) after SIGKILL: \(r)")
                #expect(r.json == previous.body, "\(previous.name): \(r.text)")
            }
            let put = try c.request("PUT", LiveARM.target(LiveARM.rg(name)), body: LiveARM.rgBody())
            if (200..<300).contains(put.status) { process.signal(SIGKILL) }
            #expect(put.status == 201, "\(put)")
            #expect(put.json["id"]?.stringValue == LiveARM.rg(name), "\(put)")
            let exit = process.waitForExit(seconds: 30)
            #expect(exit?.reason == .uncaughtSignal && exit?.status == SIGKILL, "\(String(describing: exit))")
            written.append((name, put.json))
        }
        let process = try RPEmuProcess(dataDirectory: data, outputDirectory: dir.path)
        defer { process.cleanUp() }
        let c = try LiveClient(port: process.httpPort)
        for (name, body) in written {
            let r = try c.request("GET", LiveARM.target(LiveARM.rg(name)))
            #expect(r.status == 200, "\(name): \(r)")
            #expect(r.json == body, "\(name): \(r.text)")
        }
        let list = try c.request("GET", LiveARM.target("/subscriptions/\(LiveARM.subscription)/resourcegroups"))
        #expect(list.json["value"]?.arrayValue?.count == 20, "\(list)")
    }

    @Test(
        "SIGTERM and SIGINT: exit 0 within 10 s despite idle and half-sent connections, log 'stopping', data reopens",
        arguments: [SIGTERM, SIGINT])
    func gracefulStop(signal: Int32) throws {
        let dir = try TempDirectory("sigterm")
        defer { dir.remove() }
        let data = dir.file("data")
        let first = try RPEmuProcess(dataDirectory: data, outputDirectory: dir.path, logLevel: "info")
        defer { first.cleanUp() }
        let c = try LiveClient(port: first.httpPort)
        let put = try c.request("PUT", LiveARM.target(LiveARM.rg("termed")), body: LiveARM.rgBody())
        #expect(put.status == 201, "\(put)")
        #expect(put.json["id"]?.stringValue == LiveARM.rg("termed"))
        let vm = try c.request("PUT", LiveARM.target(LiveARM.vm("termed", "vm")), body: LiveARM.vmBody("vm"))
        #expect(vm.status == 201, "\(vm)")
        // `c` stays open and idle; another client stops in the middle of a request (the drain waits at most 5 s).
        let half = try LiveClient(port: first.httpPort)
        try half.send("PUT \(LiveARM.target(LiveARM.rg("half"))) HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")

        first.signal(signal)
        let exit = first.waitForExit(seconds: 10)
        #expect(exit != nil, "rpemu still runs 10 s after signal \(signal)")
        #expect(exit?.reason == .exit && exit?.status == 0, "\(String(describing: exit)); stderr: \(first.stderrText)")
        #expect(first.stderrText.contains("stopping"), "\(first.stderrText)")
        #expect(FileManager.default.fileExists(atPath: data + "/rpemu.sqlite"))
        // The idle connection was closed, and the listener is gone with the process.
        #expect(try c.readToEnd().isEmpty)
        #expect((try? LiveClient(port: first.httpPort, timeout: 2)) == nil)

        let second = try RPEmuProcess(dataDirectory: data, outputDirectory: dir.path)
        defer { second.cleanUp() }
        let c2 = try LiveClient(port: second.httpPort)
        let rg = try c2.request("GET", LiveARM.target(LiveARM.rg("termed")))
        #expect(rg.status == 200, "\(rg)")
        #expect(rg.json == put.json)
        let vmBack = try c2.request("GET", LiveARM.target(LiveARM.vm("termed", "vm")))
        #expect(vmBack.status == 200, "\(vmBack)")
        #expect(vmBack.json["properties"]?["vmId"] == vm.json["properties"]?["vmId"])
        let ready = try c2.request("GET", "/_emulator/ready", auth: false)
        #expect(ready.status == 200, "\(ready)")
    }

    @Test("A second rpemu on the same data directory stops with 'in use by another process'; the first one is unharmed")
    func dataDirectoryInUse() throws {
        let dir = try TempDirectory("in-use")
        defer { dir.remove() }
        let data = dir.file("data")
        let first = try RPEmuProcess(dataDirectory: data, outputDirectory: dir.path)
        defer { first.cleanUp() }
        let c = try LiveClient(port: first.httpPort)
        let put = try c.request("PUT", LiveARM.target(LiveARM.rg("kept")), body: LiveARM.rgBody())
        #expect(put.status == 201, "\(put)")

        // The second waits out the busy timeout (5 s) for the lock, in case the holder is a previous rpemu
        // still stopping, then gives up without listening.
        #expect {
            try RPEmuProcess(dataDirectory: data, outputDirectory: dir.path).cleanUp()  // stopped if it did start
        } throws: { error in
            "\(error)".contains("\(data)/rpemu.sqlite is in use by another process")
        }
        let rg = try c.request("GET", LiveARM.target(LiveARM.rg("kept")))
        #expect(rg.status == 200, "\(rg)")
        #expect(rg.json == put.json)
    }
}
