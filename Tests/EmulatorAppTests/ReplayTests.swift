import EmuCore
import EmulatorApp
import Foundation
import Testing

/// Real Azure traffic replayed against a live rpemu over HTTPS (docs/routes.md "Replay of real traffic"):
/// `fixtures/recordings/instant-access.json`, written from the Azure PowerShell recording
/// TestRestorePointsInstantAccess (CRP 2025-04-01). Per entry: the recorded status, the recorded response header
/// names among the emulator's (CONTRACT.md §3: "recorded ⊆ emulator"), and the recorded JSON shape of the body.
@Suite("Replay of real traffic")
struct ReplayTests {
    @Test("TestRestorePointsInstantAccess replays with the recorded statuses, header names and body shapes")
    func instantAccessRecording() throws {
        let bytes = try #require(readFixture("recordings/instant-access.json"), "no recordings/instant-access.json")
        let fixture = try JSONParser.parse(bytes)
        let dir = try TempDirectory("replay")
        defer { dir.remove() }
        let server = try LiveServer(dataDirectory: dir.file("data")) { $0.clockFrozen = true }
        defer { server.stop() }
        var session = try ReplaySession(
            curl: Curl(scratch: dir.path, caCertificate: server.caPath),
            base: "https://127.0.0.1:\(server.httpsPort)", fixture: fixture)

        for step in fixture["setup"]?["steps"]?.arrayValue ?? [] {
            if let timing = step["advancePast"]?.stringValue {
                try session.advance(past: timing)
                continue
            }
            let r = try session.send(step)
            #expect(r.status == Int(step["status"]?.intValue ?? 0), "setup \(step["path"]?.stringValue ?? ""): \(r)")
        }

        let entries = fixture["replay"]?.arrayValue ?? []
        #expect(entries.count == 13)
        for entry in entries {
            let name = entry["id"]?.stringValue ?? "?"
            if let timing = entry["advancePast"]?.stringValue {
                try session.advance(past: timing)
                continue
            }
            let r = try session.send(entry)
            let expected = entry["response"] ?? .null
            #expect(r.status == Int(expected["status"]?.intValue ?? 0), "\(name): status \(r)")
            let names = Set(r.headers.map { $0.name.lowercased() })
            for header in expected["headers"]?.arrayValue ?? [] {
                let h = header.stringValue ?? ""
                #expect(names.contains(h.lowercased()), "\(name): recorded header \(h) missing; emulator sent \(names)")
            }
            for difference in session.bodyDifferences(entry: name, recorded: expected["body"] ?? .null, body: r.body) {
                Issue.record("\(name): \(difference)")
            }
            for (key, header) in entry["capture"]?.objectValue ?? JSONObject() {
                let value = try #require(r.header(header.stringValue ?? ""), "\(name): no \(header) to capture")
                session.values[key] = value
            }
        }
        for allowance in session.allowances where allowance.uses == 0 {
            Issue.record("allowed difference \(allowance.path) was not needed: remove it from the fixture")
        }
    }

    @Test("the shape comparison reports missing, extra and re-kinded members, and looks inside array elements")
    func shapeComparison() {
        let recorded: JSON = [
            "name": "string", "n": "number", "flag": "boolean", "list": [["id": "string"]], "empty": [],
            "nested": ["a": "string"],
        ]
        let body: JSON = [
            "name": "x", "n": .double(1.5), "flag": "true", "list": [["id": "a"], ["id": .int(1)]], "empty": ["z"],
            "nested": ["b": "y"], "extra": .null,
        ]
        let found = ShapeDifference.between(recorded: recorded, actual: body, path: "").map(\.description)
        #expect(
            found == [
                "flag: recorded boolean, emulator string", "list[].id: recorded string, emulator number",
                "nested.a: recorded string, emulator absent", "nested.b: recorded absent, emulator string",
                "extra: recorded absent, emulator null",
            ])
        let emptyList = ShapeDifference.between(recorded: ["l": [["id": "string"]]], actual: ["l": []], path: "")
        #expect(emptyList.map(\.description) == ["l: recorded array of elements, emulator empty array"])
    }
}

/// One member where the emulator's body and the recorded shape part ways.
struct ShapeDifference: Equatable, CustomStringConvertible {
    /// `properties.sourceMetadata.storageProfile.dataDisks[].lun`: `[]` stands for every element.
    let path: String
    let recorded: String
    let emulator: String

    var description: String { "\(path): recorded \(recorded), emulator \(emulator)" }

    /// The differences between a recorded shape (kind names at the leaves, `[element]` or `[]` for arrays) and a
    /// body, each reported once however many array elements show it.
    static func between(recorded: JSON, actual: JSON, path: String) -> [ShapeDifference] {
        var out: [ShapeDifference] = []
        compare(recorded, actual, path: path, into: &out)
        return out
    }

    private static func compare(_ shape: JSON, _ value: JSON, path: String, into out: inout [ShapeDifference]) {
        func add(_ d: ShapeDifference) { if !out.contains(d) { out.append(d) } }
        switch shape {
        case .object(let members):
            guard case .object(let actual) = value else {
                return add(ShapeDifference(path: path, recorded: "object", emulator: value.kindName))
            }
            for (name, memberShape) in members {
                let child = path.isEmpty ? name : path + "." + name
                if let v = actual[name] {
                    compare(memberShape, v, path: child, into: &out)
                } else {
                    add(ShapeDifference(path: child, recorded: kind(memberShape), emulator: "absent"))
                }
            }
            for (name, v) in actual where members[name] == nil {
                add(
                    ShapeDifference(
                        path: path.isEmpty ? name : path + "." + name, recorded: "absent", emulator: v.kindName))
            }
        case .array(let element):
            guard case .array(let items) = value else {
                return add(ShapeDifference(path: path, recorded: "array", emulator: value.kindName))
            }
            // `[]`: the recording showed no element, so any array matches.
            guard let elementShape = element.first else { return }
            if items.isEmpty {
                add(ShapeDifference(path: path, recorded: "array of elements", emulator: "empty array"))
            }
            for item in items { compare(elementShape, item, path: path + "[]", into: &out) }
        default:
            if kind(shape) != value.kindName {
                add(ShapeDifference(path: path, recorded: kind(shape), emulator: value.kindName))
            }
        }
    }

    /// The kind a shape stands for: a leaf names it, containers are `object` and `array`.
    static func kind(_ shape: JSON) -> String { shape.stringValue ?? shape.kindName }
}

/// A replay in progress: the placeholder values, the captures made so far, the emulator's timings.
struct ReplaySession {
    /// An allowed difference from the fixture, counted when it excuses one.
    final class Allowance {
        let path: String
        let emulatorOnly: Bool
        var uses = 0

        init(path: String, emulatorOnly: Bool) {
            self.path = path
            self.emulatorOnly = emulatorOnly
        }

        func excuses(_ d: ShapeDifference) -> Bool {
            d.path == path && (!emulatorOnly || d.recorded == "absent")
        }
    }

    let curl: Curl
    let base: String
    var values: [String: String]
    let timings: JSON
    let allowances: [Allowance]

    init(curl: Curl, base: String, fixture: JSON) throws {
        self.curl = curl
        self.base = base
        var values: [String: String] = [:]
        for (k, v) in fixture["placeholders"]?["values"]?.objectValue ?? JSONObject() { values[k] = v.stringValue }
        self.values = values
        allowances = (fixture["allowedDifferences"]?.arrayValue ?? []).map {
            Allowance(
                path: $0["path"]?.stringValue ?? "", emulatorOnly: $0["kind"]?.stringValue == "emulatorOnly")
        }
        let config = try curl.run("GET", base + "/_emulator/config", auth: false)
        try #require(config.status == 200, "GET /_emulator/config: \(config)")
        timings = config.json["timings"] ?? .null
    }

    /// `text` with each `{name}` replaced by its value.
    func substitute(_ text: String) -> String {
        values.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    /// Sends a fixture request: `url` (a captured absolute URL) or `path` and `query`, with its `body`.
    func send(_ step: JSON) throws -> Curl.Result {
        let url: String
        if let captured = step["url"]?.stringValue {
            url = substitute(captured)
        } else {
            let query = step["query"]?.stringValue.map { "?" + $0 } ?? ""
            url = base + substitute((step["path"]?.stringValue ?? "") + query)
        }
        let method = step["method"]?.stringValue ?? "GET"
        let body = step["body"].map { substitute($0.text) }
        return try curl.run(method, url, body: body, extra: ["--globoff"])
    }

    /// Moves the emulated clock one second past `timings.<name>`, as the recorded client waited.
    func advance(past timing: String) throws {
        let seconds = try #require(timings[timing]?.doubleValue, "no timings.\(timing) in GET /_emulator/config")
        let r = try curl.run(
            "POST", base + "/_emulator/clock", body: #"{"advanceSeconds":\#(seconds + 1)}"#, auth: false)
        #expect(r.status == 200, "POST /_emulator/clock: \(r)")
    }

    /// The differences between a recorded body shape (null: an empty body) and the emulator's body that no
    /// allowed difference excuses.
    func bodyDifferences(entry: String, recorded: JSON, body: [UInt8]) -> [String] {
        if recorded == .null {
            return body.isEmpty ? [] : ["recorded an empty body, emulator sent \(body.count) bytes"]
        }
        guard let json = try? JSONParser.parse(body) else {
            return ["recorded a JSON body, emulator sent '\(String(decoding: body, as: UTF8.self))'"]
        }
        return ShapeDifference.between(recorded: recorded, actual: json, path: "").compactMap { d in
            if let allowance = allowances.first(where: { $0.excuses(d) }) {
                allowance.uses += 1
                return nil
            }
            return d.description
        }
    }
}
