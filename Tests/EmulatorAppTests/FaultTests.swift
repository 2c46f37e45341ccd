import ARMKit
import EmuCore
import EmuHTTP
import Testing

@testable import EmulatorApp

@Suite("Fault injection")
struct FaultTests {
    /// A group, a VM, an IA collection and, unless `point` is false, a restore point `rp1` that has succeeded.
    private func setUp(point: Bool = true, _ configure: (inout EmulatorConfig) -> Void = { _ in }) throws
        -> TestEmulator
    {
        let e = try TestEmulator(configure)
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        try e.advance(seconds: 5)
        if point {
            #expect(e.call(.put, rp(e), body: ["properties": [:]]).status == 201)
            try e.advance(seconds: 15)
        }
        return e
    }

    private func rp(_ e: TestEmulator, _ name: String = "rp1") -> String {
        e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/\(name)"
    }

    @discardableResult
    private func addRule(_ e: TestEmulator, _ body: JSON) -> Reply {
        e.call(.post, "/_emulator/faults", api: nil, body: body)
    }

    private func rules(_ e: TestEmulator) -> [JSON] {
        e.call(.get, "/_emulator/faults", api: nil).json["value"]?.arrayValue ?? []
    }

    @Test func nthAnswersOnlyTheSecondGet() throws {
        let e = try setUp()
        let added = addRule(
            e,
            [
                "match": ["operation": "restorePoints.get", "resource": "*/restorePoints/rp1", "nth": 2],
                "effect": ["status": 503, "code": "ServerBusy", "message": "Try again later."],
            ])
        #expect(added.status == 201)
        #expect(added.json["id"]?.stringValue?.isEmpty == false)
        #expect(added.json["hits"]?.intValue == 0)
        #expect(added.json["match"]?["nth"]?.intValue == 2)

        #expect(e.call(.get, rp(e)).status == 200)
        let second = e.call(.get, rp(e))
        #expect(second.status == 503)
        #expect(second.errorCode == "ServerBusy")
        #expect(second.json["error"]?["message"]?.stringValue == "Try again later.")
        #expect(second.headers["x-ms-request-id"] != nil)
        #expect(second.headers["x-ms-emulator-now"] != nil)
        #expect(second.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(e.call(.get, rp(e)).status == 200)
        // Another operation on the same id does not count.
        #expect(e.call(.get, rp(e) + "/diskRestorePoints", api: "2025-01-02").status == 200)

        let listed = try #require(rules(e).first)
        #expect(listed["hits"]?.intValue == 1)
        #expect(listed["matches"]?.intValue == 3)
        #expect(listed["id"] == added.json["id"])
    }

    @Test func resourceGlobIgnoresCase() throws {
        let e = try setUp()
        addRule(
            e,
            [
                "match": ["operation": "*", "resource": "/SUBSCRIPTIONS/*/RESOURCEGROUPS/RG1/*/RESTOREPOINTS/RP?"],
                "effect": ["status": 500],
            ])
        let hit = e.call(.get, rp(e))
        #expect(hit.status == 500)
        #expect(hit.errorCode == "InternalServerError")
        #expect(hit.json["error"]?["message"]?.stringValue?.hasPrefix("Injected by rpemu fault rule ") == true)
        #expect(e.call(.get, rp(e).lowercased()).status == 500)
        #expect(e.call(.get, rp(e, "rp10")).errorCode == "ResourceNotFound")
        #expect(e.call(.get, e.cp("rg1") + "/restorePointCollections/rpc1").status == 200)
        #expect(rules(e).first?["hits"]?.intValue == 2)

        #expect(FaultRule.glob("a*b?d", matches: "AxxB/D"))
        #expect(FaultRule.glob("*", matches: ""))
        #expect(!FaultRule.glob("a?", matches: "a"))
        #expect(!FaultRule.glob("*/rp1", matches: "/x/rp10"))
    }

    @Test func failedCreationEndToEnd() throws {
        let e = try setUp(point: false)
        addRule(
            e,
            [
                "match": ["operation": "restorePoints.create", "resource": "*/rp1"],
                "effect": ["failOperation": ["code": "VMAgentStatusCommunicationError", "message": "Agent is down."]],
            ])
        let put = e.call(.put, rp(e), body: ["properties": [:]])
        #expect(put.status == 201)
        #expect(put.json["properties"]?["provisioningState"]?.stringValue == "Creating")
        let status = e.follow(put.headers["Azure-AsyncOperation"])
        #expect(status.json["status"]?.stringValue == "InProgress")
        #expect(e.follow(put.headers["Location"]).status == 202)
        #expect(e.call(.get, rp(e)).json["properties"]?["provisioningState"]?.stringValue == "Creating")

        try e.advance(seconds: 15)
        let done = e.follow(put.headers["Azure-AsyncOperation"])
        #expect(done.json["status"]?.stringValue == "Failed")
        #expect(done.json["error"]?["code"]?.stringValue == "VMAgentStatusCommunicationError")
        #expect(done.json["error"]?["message"]?.stringValue == "Agent is down.")
        #expect(e.call(.get, rp(e)).json["properties"]?["provisioningState"]?.stringValue == "Failed")
        let monitor = e.follow(put.headers["Location"])
        #expect(monitor.status >= 400)
        #expect(monitor.errorCode == "VMAgentStatusCommunicationError")
        #expect(rules(e).first?["hits"]?.intValue == 1)

        // The next creation on the VM is not matched (another name) and succeeds.
        let next = e.call(.put, rp(e, "rp2"), body: ["properties": [:]])
        #expect(next.status == 201)
        try e.advance(seconds: 15)
        #expect(e.follow(next.headers["Azure-AsyncOperation"]).json["status"]?.stringValue == "Succeeded")
    }

    @Test func deleteRemovesOneOrAll() throws {
        let e = try setUp()
        let first = addRule(e, ["match": ["operation": "restorePoints.get"], "effect": ["status": 503]])
        addRule(e, ["match": ["operation": "restorePointCollections.get"], "effect": ["status": 429]])
        #expect(rules(e).count == 2)
        #expect(e.call(.get, rp(e)).status == 503)

        let id = try #require(first.json["id"]?.stringValue)
        #expect(e.call(.delete, "/_emulator/faults/\(id)", api: nil).json["deleted"]?.intValue == 1)
        #expect(e.call(.delete, "/_emulator/faults/\(id)", api: nil).status == 404)
        #expect(e.call(.get, rp(e)).status == 200)
        #expect(rules(e).count == 1)

        #expect(e.call(.delete, "/_emulator/faults", api: nil).json["deleted"]?.intValue == 1)
        #expect(rules(e).isEmpty)
        #expect(e.call(.get, e.cp("rg1") + "/restorePointCollections/rpc1").status == 200)

        addRule(e, ["match": ["operation": "*"], "effect": ["status": 500]])
        #expect(e.call(.post, "/_emulator/reset", api: nil).status == 200)
        #expect(rules(e).isEmpty)
    }

    @Test func seededProbabilityRepeats() throws {
        func run(seed: Int64) throws -> [Int] {
            let e = try setUp()
            addRule(
                e,
                [
                    "match": ["operation": "restorePoints.get"], "effect": ["status": 503],
                    "probability": 0.5, "seed": .int(seed),
                ])
            return (0..<40).map { _ in e.call(.get, rp(e)).status }
        }
        let a = try run(seed: 42)
        let b = try run(seed: 42)
        #expect(a == b)
        #expect(a.contains(200) && a.contains(503))
        #expect(try run(seed: 7) != a)
    }

    @Test func delayHoldsTheResponseBack() throws {
        let e = try setUp()
        addRule(e, ["match": ["operation": "restorePoints.get"], "effect": ["delaySeconds": 0.2]])
        let started = EmulatorResponder.monotonicNanoseconds()
        #expect(e.call(.get, rp(e)).status == 200)
        #expect(EmulatorResponder.monotonicNanoseconds() - started >= 200_000_000)
    }

    @Test(arguments: [
        (#"{}"#, "match"),
        (#"{"match":{},"effect":{"status":500}}"#, "match.operation"),
        (#"{"match":{"operation":"restorePoints.list"},"effect":{"status":500}}"#, "match.operation"),
        (#"{"match":{"operation":"*","resource":5},"effect":{"status":500}}"#, "match.resource"),
        (#"{"match":{"operation":"*","nth":0},"effect":{"status":500}}"#, "match.nth"),
        (#"{"match":{"operation":"*","where":1},"effect":{"status":500}}"#, "match.where"),
        (#"{"match":{"operation":"*"}}"#, "effect"),
        (#"{"match":{"operation":"*"},"effect":{}}"#, "effect"),
        (#"{"match":{"operation":"*"},"effect":{"status":500,"delaySeconds":1}}"#, "effect"),
        (#"{"match":{"operation":"*"},"effect":{"status":200}}"#, "effect.status"),
        (#"{"match":{"operation":"*"},"effect":{"status":500,"code":""}}"#, "effect.code"),
        (#"{"match":{"operation":"*"},"effect":{"delaySeconds":31}}"#, "effect.delaySeconds"),
        (#"{"match":{"operation":"*"},"effect":{"failOperation":"x"}}"#, "effect.failOperation"),
        (#"{"match":{"operation":"disks.create"},"effect":{"failOperation":{}}}"#, "match.operation"),
        (#"{"match":{"operation":"*"},"effect":{"status":500},"probability":0.5}"#, "seed"),
        (#"{"match":{"operation":"*"},"effect":{"status":500},"probability":2,"seed":1}"#, "probability"),
        (#"{"match":{"operation":"*"},"effect":{"status":500},"probabilty":0.5}"#, "probabilty"),
    ])
    func badRulesAreRefused(body: String, field: String) throws {
        let e = try TestEmulator()
        let r = e.call(.post, "/_emulator/faults", api: nil, rawBody: Array(body.utf8))
        #expect(r.status == 400)
        #expect(r.errorCode == "InvalidParameter")
        #expect(r.json["error"]?["target"]?.stringValue == field)
        #expect(rules(e).isEmpty)
    }

    @Test func notJSONIsInvalidRequestContent() throws {
        let e = try TestEmulator()
        let r = e.call(.post, "/_emulator/faults", api: nil, rawBody: Array("nope".utf8))
        #expect(r.status == 400)
        #expect(r.errorCode == "InvalidRequestContent")
    }

    @Test func rulesAndCountsSurviveARestart() throws {
        let dir = "/tmp/rpemu-faults-\(GUID.make())"
        defer { _ = try? removeTree(dir) }
        let file: (inout EmulatorConfig) -> Void = {
            $0.inMemory = false
            $0.dataDirectory = dir
            $0.clockFrozen = true
        }
        var e = try setUp(file)
        addRule(
            e,
            [
                "match": ["operation": "restorePoints.get", "nth": 2], "effect": ["status": 503],
                "probability": 1, "seed": 3,
            ])
        #expect(e.call(.get, rp(e)).status == 200)
        e.emulator.stop()

        e = try TestEmulator(file)
        let saved = try #require(rules(e).first)
        #expect(saved["matches"]?.intValue == 1)
        #expect(saved["seed"]?.intValue == 3)
        #expect(saved["generatorState"] == nil)
        #expect(e.call(.get, rp(e)).status == 503)
        #expect(e.call(.get, rp(e)).status == 200)
        #expect(rules(e).first?["hits"]?.intValue == 1)
        e.emulator.stop()
    }

    /// docs/faults.md lists `FaultOperation.vocabulary`; every route yields one of its names and every name is used.
    @Test func vocabularyCoversEveryRoute() throws {
        let e = try TestEmulator()
        let names = ARMRoutes.router(e.emulator.app).routes.map(FaultOperation.name(of:))
        #expect(Set(names) == Set(FaultOperation.vocabulary))
        #expect(names.count >= FaultOperation.vocabulary.count)
        let put = try #require(
            ARMRoutes.router(e.emulator.app).routes.first {
                $0.method == .put && $0.pattern.description.hasSuffix("/restorePoints/{restorePointName}")
            })
        #expect(FaultOperation.name(of: put) == "restorePoints.create")
    }
}
