import ARMKit
import EmuCore
import EmuHTTP
import Testing

/// The headers of a start response and the status document (CONTRACT.md §3, reference/clients.md §3).
@Suite("AsyncOperationLinks")
struct AsyncOperationLinksTests {
    static let status =
        "https://127.0.0.1:8443/subscriptions/sub1/providers/Microsoft.Compute/locations/eastus/operations/"
        + "4f6a5c1e-0000-4000-8000-000000000001?api-version=2024-11-01"

    static func headers(retryAfter: Double = 1, location: String = "eastus") -> HTTPHeaders {
        AsyncOperationLinks.headers(
            baseURL: "https://127.0.0.1:8443", subscription: "sub1", location: location,
            operationID: "4f6a5c1e-0000-4000-8000-000000000001", apiVersion: "2024-11-01", retryAfter: retryAfter)
    }

    @Test("the status URL has the exact CONTRACT.md §3 form")
    func statusURL() {
        let url = AsyncOperationLinks.statusURL(
            baseURL: "https://127.0.0.1:8443", subscription: "sub1", location: "eastus",
            operationID: "4f6a5c1e-0000-4000-8000-000000000001", apiVersion: "2024-11-01")
        #expect(url == Self.status)
    }

    @Test("Azure-AsyncOperation, Location (= the same + &monitor=true) and Retry-After, nothing else")
    func startHeaders() {
        let h = Self.headers()
        #expect(h["Azure-AsyncOperation"] == Self.status)
        #expect(h["Location"] == Self.status + "&monitor=true")
        #expect(h["Retry-After"] == "1")
        #expect(h.fields.map(\.name) == ["Azure-AsyncOperation", "Location", "Retry-After"])
    }

    @Test(
        "formatSeconds prints whole seconds as integers and fractions as decimals",
        arguments: [(1, "1"), (0.5, "0.5"), (2, "2"), (0.2, "0.2"), (30, "30"), (1.25, "1.25"), (0, "0")]
            as [(Double, String)])
    func formatSeconds(seconds: Double, text: String) {
        #expect(AsyncOperationLinks.formatSeconds(seconds) == text)
    }

    @Test(
        "Retry-After is whole seconds; a fraction goes in retry-after-ms instead (azure-mgmt-compute int()s Retry-After)",
        arguments: [
            (1, "1", nil), (2, "2", nil), (30, "30", nil), (0.2, nil, "200"), (0.5, nil, "500"), (1.25, nil, "1250"),
        ]
            as [(Double, String?, String?)])
    func retryAfter(seconds: Double, whole: String?, milliseconds: String?) {
        let h = Self.headers(retryAfter: seconds)
        #expect(h["Retry-After"] == whole)
        #expect(h["retry-after-ms"] == milliseconds)
    }

    @Test("a location that is not URL-safe is percent-encoded in the path")
    func encodedLocation() {
        #expect(
            Self.headers(location: "East US")["Azure-AsyncOperation"]
                == "https://127.0.0.1:8443/subscriptions/sub1/providers/Microsoft.Compute/locations/East%20US/"
                + "operations/4f6a5c1e-0000-4000-8000-000000000001?api-version=2024-11-01")
    }

    @Test("both links route back to the operation route with the captured ids and the api-version")
    func linksRoute() throws {
        let p = Fixture.pipeline()
        let h = AsyncOperationLinks.headers(
            baseURL: "https://127.0.0.1:8443", subscription: Fixture.subscription, location: "West Europe",
            operationID: "op-1", apiVersion: "2026-03-02", retryAfter: 1)
        for name in ["Azure-AsyncOperation", "Location"] {
            let url = try #require(h[name])
            let target = String(url.dropFirst("https://127.0.0.1:8443".count))
            let r = p.handle(Fixture.http(.get, target))
            #expect(r.status == 200, "\(name)")
            let body = try r.json()
            #expect(body["route"] == "operation.get")
            #expect(
                body["captures"]
                    == ["id": "op-1", "location": "West Europe", "subscriptionId": .string(Fixture.subscription)])
            #expect(body["served"] == "2026-03-02")
        }
    }
}

@Suite("OperationStatus")
struct OperationStatusTests {
    static let start = Fixture.now
    static let end = Fixture.now.adding(seconds: 1.5)
    static let startText = "2026-04-24T10:48:18.0086391+00:00"
    static let endText = "2026-04-24T10:48:19.5086391+00:00"

    @Test("InProgress: name, status, startTime; no endTime even when one is set")
    func inProgress() {
        let expected = #"{"name":"op1","status":"InProgress","startTime":"\#(Self.startText)"}"#
        #expect(OperationStatus(name: "op1", state: .inProgress, startTime: Self.start).json.text == expected)
        #expect(
            OperationStatus(name: "op1", state: .inProgress, startTime: Self.start, endTime: Self.end).json.text
                == expected)
    }

    @Test("Succeeded: endTime, no error even when one is set")
    func succeeded() {
        let expected =
            #"{"name":"op1","status":"Succeeded","startTime":"\#(Self.startText)","endTime":"\#(Self.endText)"}"#
        #expect(
            OperationStatus(name: "op1", state: .succeeded, startTime: Self.start, endTime: Self.end).json.text
                == expected)
        #expect(
            OperationStatus(
                name: "op1", state: .succeeded, startTime: Self.start, endTime: Self.end,
                error: .operationNotAllowed("x")
            ).json.text == expected)
    }

    @Test("Failed: endTime and the error object (code, message, target)")
    func failed() {
        let s = OperationStatus(
            name: "op1", state: .failed, startTime: Self.start, endTime: Self.end,
            error: ARMError(status: 409, code: "VMRestorePointClientError", message: "It broke.", target: "vm"))
        #expect(
            s.json.text
                == #"{"name":"op1","status":"Failed","startTime":"\#(Self.startText)","endTime":"\#(Self.endText)","#
                + #""error":{"code":"VMRestorePointClientError","message":"It broke.","target":"vm"}}"#)
    }

    @Test("Canceled: endTime, terminal")
    func canceled() {
        let s = OperationStatus(name: "op1", state: .canceled, startTime: Self.start, endTime: Self.end)
        #expect(
            s.json.text
                == #"{"name":"op1","status":"Canceled","startTime":"\#(Self.startText)","endTime":"\#(Self.endText)"}"#)
    }

    @Test("state names and terminality")
    func states() {
        #expect(OperationStatus.State.inProgress.rawValue == "InProgress")
        #expect(OperationStatus.State.succeeded.rawValue == "Succeeded")
        #expect(OperationStatus.State.failed.rawValue == "Failed")
        #expect(OperationStatus.State.canceled.rawValue == "Canceled")
        #expect(!OperationStatus.State.inProgress.isTerminal)
        #expect(OperationStatus.State.succeeded.isTerminal)
        #expect(OperationStatus.State.failed.isTerminal)
        #expect(OperationStatus.State.canceled.isTerminal)
    }

    @Test("the status document parses back with the times clients read")
    func parsesBack() throws {
        let s = OperationStatus(name: "op1", state: .succeeded, startTime: Self.start, endTime: Self.end)
        let json = try JSONParser.parse(s.json.serialized())
        #expect(json["status"] == "Succeeded")
        #expect(json["startTime"]?.stringValue.flatMap(Timestamp.init(iso8601:)) == Self.start)
        #expect(json["endTime"]?.stringValue.flatMap(Timestamp.init(iso8601:)) == Self.end)
    }
}
