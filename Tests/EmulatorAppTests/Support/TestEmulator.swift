import ARMKit
import Dispatch
import EmuCore
import EmuHTTP
import RestorePointEngine
import Testing

@testable import EmulatorApp

/// A reply from the in-process emulator.
struct Reply {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var json: JSON { (try? JSONParser.parse(body)) ?? .null }
    var text: String { String(decoding: body, as: UTF8.self) }
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}

/// An in-memory emulator driven through `Emulator.respond(to:)`: the same responder the sockets use, no socket.
final class TestEmulator: @unchecked Sendable {
    // Confined to one test: each test makes its own.
    static let subscription = "00000000-0000-0000-0000-000000000001"
    static let host = "127.0.0.1:8443"

    let emulator: Emulator

    init(_ configure: (inout EmulatorConfig) -> Void = { _ in }) throws {
        var config = EmulatorConfig()
        config.inMemory = true
        config.httpPort = .off
        config.httpsPort = .off
        configure(&config)
        emulator = try Emulator(config: config, logger: .silent)
    }

    var sub: String { Self.subscription }
    func rg(_ name: String) -> String { "/subscriptions/\(sub)/resourceGroups/\(name)" }
    func cp(_ rg: String) -> String { self.rg(rg) + "/providers/Microsoft.Compute" }

    /// Sends a request. `api` is appended as `api-version` unless nil; a bearer token is sent unless `auth` is false.
    @discardableResult
    func call(
        _ method: HTTPMethod, _ path: String, api: String? = "2025-04-01", body: JSON? = nil, rawBody: [UInt8]? = nil,
        headers: [(String, String)] = [], auth: Bool = true, secure: Bool = true
    ) -> Reply {
        var target = path
        if let api { target += (path.contains("?") ? "&" : "?") + "api-version=\(api)" }
        var h = HTTPHeaders([("Host", Self.host)])
        if auth { h.add("Authorization", "Bearer test-token") }
        for (k, v) in headers { h.add(k, v) }
        let bytes = rawBody ?? body?.serialized() ?? []
        let request = HTTPRequest(method: method, target: target, headers: h, body: bytes, isSecure: secure)
        let r = emulator.respond(to: request)
        if r.holdBack > .zero {
            // The connection writes a held-back response (a fault rule's delay) only after it; so does this harness.
            let (seconds, attoseconds) = r.holdBack.components
            let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .nanoseconds(nanoseconds))
        }
        guard let stream = r.stream else { return Reply(status: r.status, headers: r.headers, body: r.body) }
        // A streamed body, read to its end as the connection would write it.
        var body: [UInt8] = []
        do {
            while try stream.next(into: &body, limit: 64 * 1024) {}
        } catch {
            Issue.record("streamed body failed: \(error)")
        }
        return Reply(status: r.status, headers: r.headers, body: body)
    }

    /// Moves emulated time forward without sleeping.
    func advance(seconds: Double) throws {
        _ = try emulator.app.clock.update { (c: inout EmulatedClock, real: Timestamp) throws(ClockError) in
            try c.advance(bySeconds: seconds, real: real)
        }
    }

    @discardableResult
    func makeResourceGroup(_ name: String = "rg1", location: String = "eastus") -> Reply {
        call(.put, rg(name), api: "2024-11-01", body: ["location": .string(location)])
    }

    /// A VM with a Premium SSD OS disk and the given data disks `(lun, sku, sizeGB)`.
    @discardableResult
    func makeVM(
        _ name: String = "vm1", in group: String = "rg1", location: String = "eastus",
        dataDisks: [(Int64, String, Int64)] = [(0, "PremiumV2_LRS", 32)], extra: JSONObject = JSONObject()
    ) -> Reply {
        var props: JSONObject = [
            "hardwareProfile": ["vmSize": "Standard_D2s_v3"],
            "storageProfile": [
                "imageReference": [
                    "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest",
                ],
                "osDisk": ["createOption": "FromImage", "managedDisk": ["storageAccountType": "Premium_LRS"]],
                "dataDisks": .array(
                    dataDisks.map { lun, sku, size in
                        [
                            "lun": .int(lun), "createOption": "Empty", "diskSizeGB": .int(size),
                            "managedDisk": ["storageAccountType": .string(sku)],
                        ]
                    }),
            ],
            "osProfile": [
                "computerName": .string(name), "adminUsername": "azureuser", "adminPassword": "secret-Pa55!",
            ],
        ]
        for (k, v) in extra { props[k] = v }
        return call(
            .put, cp(group) + "/virtualMachines/\(name)", api: "2025-04-01",
            body: ["location": .string(location), "properties": .object(props)])
    }

    func vmID(_ name: String = "vm1", in group: String = "rg1") -> String { cp(group) + "/virtualMachines/\(name)" }

    @discardableResult
    func makeCollection(
        _ name: String = "rpc1", in group: String = "rg1", source: String? = nil, instantAccess: Bool? = true,
        location: String = "eastus", api: String = "2025-04-01"
    ) -> Reply {
        var props: JSONObject = ["source": ["id": .string(source ?? vmID())]]
        if let instantAccess { props["instantAccess"] = .bool(instantAccess) }
        return call(
            .put, cp(group) + "/restorePointCollections/\(name)", api: api,
            body: ["location": .string(location), "properties": .object(props)])
    }

    /// Follows an operation's `Azure-AsyncOperation` URL: the path and query after the host.
    func follow(_ url: String?) -> Reply {
        guard let url, let scheme = url.firstRange(of: "://") else {
            return Reply(status: 0, headers: HTTPHeaders(), body: [])
        }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return Reply(status: 0, headers: HTTPHeaders(), body: []) }
        return call(.get, String(rest[slash...]), api: nil)
    }
}
