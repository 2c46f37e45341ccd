import EmuCore
import EmuHTTP
import EmulatorApp
import Testing

@Suite("Long-running operations")
struct OperationTests {
    @Test func headersPointAtTheStatusAndMonitorURLs() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        let put = e.makeVM()
        let requestID = try #require(put.headers["x-ms-request-id"])
        let async = try #require(put.headers["Azure-AsyncOperation"])
        #expect(
            async
                == "https://\(TestEmulator.host)/subscriptions/\(e.sub)/providers/Microsoft.Compute/locations/eastus/operations/\(requestID)?api-version=2025-04-01"
        )
        #expect(put.headers["Location"] == async + "&monitor=true")
        #expect(put.headers["Retry-After"] == "1")
    }

    @Test func statusDocumentFromStartToEnd() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        let put = e.makeVM()
        let running = e.follow(put.headers["Azure-AsyncOperation"])
        #expect(running.status == 200)
        #expect(running.json["name"]?.stringValue == put.headers["x-ms-request-id"])
        #expect(running.json["status"]?.stringValue == "InProgress")
        #expect(running.json["startTime"]?.stringValue.flatMap(Timestamp.init(iso8601:)) != nil)
        #expect(running.json["endTime"] == nil)
        try e.advance(seconds: 1.9)
        #expect(e.follow(put.headers["Azure-AsyncOperation"]).json["status"]?.stringValue == "InProgress")
        try e.advance(seconds: 0.2)
        let done = e.follow(put.headers["Azure-AsyncOperation"])
        #expect(done.json["status"]?.stringValue == "Succeeded")
        let start = try #require(done.json["startTime"]?.stringValue.flatMap(Timestamp.init(iso8601:)))
        let end = try #require(done.json["endTime"]?.stringValue.flatMap(Timestamp.init(iso8601:)))
        #expect(end.seconds(since: start) == 2)
    }

    @Test func unknownOperationIs404AndRetryAfterIsConfigurable() throws {
        let e = try TestEmulator { $0.retryAfter = 0.25 }
        let r = e.call(
            .get, "/subscriptions/\(e.sub)/providers/Microsoft.Compute/locations/eastus/operations/\(GUID.make())")
        #expect(r.status == 404)
        #expect(r.errorCode == "ResourceNotFound")
        e.makeResourceGroup()
        let put = e.makeVM()
        #expect(put.headers["Retry-After"] == nil)
        #expect(put.headers["retry-after-ms"] == "250")
        let running = e.follow(put.headers["Azure-AsyncOperation"])
        #expect(running.json["status"]?.stringValue == "InProgress")
        #expect(running.headers["retry-after-ms"] == "250")
        // A DiskRP api-version on the status URL is accepted (grant/revoke and disk PUTs carry one).
        let disk = e.call(
            .put, e.cp("rg1") + "/disks/d", api: "2026-03-02",
            body: ["location": "eastus", "properties": ["creationData": ["createOption": "Empty"], "diskSizeGB": 1]])
        #expect(e.follow(disk.headers["Azure-AsyncOperation"]).status == 200)
        #expect(disk.headers["Azure-AsyncOperation"]?.hasSuffix("api-version=2026-03-02") == true)
    }

    @Test func operationsBelongToTheirSubscription() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        let put = e.makeVM()
        let id = try #require(put.headers["x-ms-request-id"])
        let other = e.call(
            .get,
            "/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.Compute/locations/eastus/operations/\(id)"
        )
        #expect(other.status == 404)
    }
}
