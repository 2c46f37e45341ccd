import ARMKit
import EmuCore
import EmuHTTP
import Testing

/// api-version handling as a client sees it through the pipeline (CONTRACT.md §2 "api-versions").
@Suite("ARMPipeline: api-version")
struct ARMPipelineVersionTests {
    static let rpcPath = Fixture.rgPath + "/providers/Microsoft.Compute/restorePointCollections/rpc1"
    static let diskPath = Fixture.rgPath + "/providers/Microsoft.Compute/disks/d1"
    static let operationPath =
        "/subscriptions/\(Fixture.subscription)/providers/Microsoft.Compute/locations/eastus/operations/op1"

    static let missingMessage = "The api-version query parameter (?api-version=) is required for all requests."

    static func invalidMessage(_ v: String, _ versions: [String]) -> String {
        "The api-version '\(v)' is invalid. The supported versions are '\(versions.reversed().joined(separator: ","))'."
    }

    @Test("no api-version → 400 MissingApiVersionParameter", arguments: ["", "?", "?api-version=", "?$expand=x"])
    func missing(query: String) {
        let r = Fixture.pipeline().handle(Fixture.http(.get, Self.rpcPath + query))
        #expect(r.status == 400)
        #expect(r.text == envelope("MissingApiVersionParameter", Self.missingMessage))
        #expect(r.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(r.headers["x-ms-emulator-served-api-version"] == nil)
    }

    @Test(
        "a malformed api-version → 400 InvalidApiVersionParameter listing the CRP versions newest first",
        arguments: [
            "latest", "2024-11-1", "2024-1-01", "24-11-01", "2024/11/01", "2024-13-01", "2024-00-10", "2024-11-00",
            "2024-11-32", "2024-11-01-", "2024-11-01preview", "2024-11-01-Preview", "2024-11-01 ", " 2024-11-01",
            "２０２４-11-01",
        ])
    func malformed(version: String) {
        let target = Self.rpcPath + "?api-version=" + URLComponentsParser.percentEncode(version)
        let r = Fixture.pipeline().handle(Fixture.http(.get, target))
        #expect(r.status == 400)
        #expect(
            r.text == envelope("InvalidApiVersionParameter", Self.invalidMessage(version, Contract.computeVersions)))
    }

    @Test(
        "an unlisted date older than the newest → 400 InvalidApiVersionParameter",
        arguments: [
            (Self.rpcPath, "2019-07-01", Contract.computeVersions),
            (Self.rpcPath, "2021-01-01", Contract.computeVersions),
            (Self.rpcPath, "2026-03-02", Contract.computeVersions),  // a DiskRP version on a CRP route
            (Self.rpcPath, "2025-04-01-preview", Contract.computeVersions),
            (Self.diskPath, "2025-04-01", Contract.diskVersions),  // a CRP version on a DiskRP route
            (Self.diskPath, "2026-03-01", Contract.diskVersions),
            (Self.operationPath, "2022-12-01", Contract.computeOrDiskVersions),
        ])
    func olderUnlisted(path: String, version: String, versions: [String]) {
        let r = Fixture.pipeline().handle(Fixture.http(.get, path + "?api-version=" + version))
        #expect(r.status == 400)
        #expect(r.text == envelope("InvalidApiVersionParameter", Self.invalidMessage(version, versions)))
    }

    @Test(
        "a date newer than the newest is served as the newest and says so",
        arguments: [
            (Self.rpcPath, "2026-04-02", "2026-04-01"),
            (Self.rpcPath, "2030-01-01", "2026-04-01"),
            (Self.rpcPath, "2027-01-01-preview", "2026-04-01"),
            (Self.diskPath, "2026-04-01", "2026-03-02"),
            (Self.operationPath, "2026-05-01", "2026-04-01"),
        ])
    func newer(path: String, requested: String, served: String) throws {
        let r = Fixture.pipeline().handle(Fixture.http(.get, path + "?api-version=" + requested))
        #expect(r.status == 200)
        #expect(r.headers["x-ms-emulator-served-api-version"] == served)
        let body = try r.json()
        #expect(body["requested"] == .string(requested))
        #expect(body["served"] == .string(served))
    }

    @Test("the served-version header survives a handler error")
    func newerWithError() {
        let r = Fixture.pipeline().handle(Fixture.http(.post, Self.rpcPath + "/fail?api-version=2027-01-01"))
        #expect(r.status == 409)
        #expect(r.text == envelope("OperationNotAllowed", "Not now."))
        #expect(r.headers["x-ms-emulator-served-api-version"] == "2026-04-01")
    }

    @Test("--strict-api-versions turns a newer date into the 400", arguments: ["2026-04-02", "2030-01-01"])
    func strict(version: String) {
        let r = Fixture.pipeline(strict: true).handle(Fixture.http(.get, Self.rpcPath + "?api-version=" + version))
        #expect(r.status == 400)
        #expect(
            r.text == envelope("InvalidApiVersionParameter", Self.invalidMessage(version, Contract.computeVersions)))
        #expect(r.headers["x-ms-emulator-served-api-version"] == nil)
    }

    @Test("strict still serves every listed version")
    func strictListed() {
        let p = Fixture.pipeline(strict: true)
        for v in Contract.computeVersions {
            #expect(p.handle(Fixture.http(.get, Self.rpcPath + "?api-version=" + v)).status == 200, "\(v)")
        }
    }

    @Test("a listed version is served as asked, without the served-version header")
    func listed() throws {
        let p = Fixture.pipeline()
        for (path, versions) in [
            (Self.rpcPath, Contract.computeVersions), (Self.diskPath, Contract.diskVersions),
            (Self.operationPath, Contract.computeOrDiskVersions),
        ] {
            for v in versions {
                let r = p.handle(Fixture.http(.get, path + "?api-version=" + v))
                #expect(r.status == 200, "\(path) \(v)")
                #expect(r.headers["x-ms-emulator-served-api-version"] == nil)
                #expect(try r.json()["served"] == .string(v))
            }
        }
    }

    @Test(
        "Microsoft.Resources routes take any well-formed date, preview included",
        arguments: ["2022-12-01", "2019-05-01", "2022-09-01", "2015-01-01-preview", "2099-12-31", "2021-04-01-beta1"])
    func anyFamily(version: String) throws {
        let r = Fixture.pipeline().handle(Fixture.http(.get, Fixture.rgPath + "?api-version=" + version))
        #expect(r.status == 200)
        #expect(r.headers["x-ms-emulator-served-api-version"] == nil)
        #expect(try r.json()["served"] == .string(version))
    }

    @Test("Microsoft.Resources routes still refuse a malformed version; the list is empty")
    func anyFamilyMalformed() {
        let r = Fixture.pipeline().handle(Fixture.http(.get, Fixture.rgPath + "?api-version=yesterday"))
        #expect(r.status == 400)
        #expect(
            r.text
                == envelope(
                    "InvalidApiVersionParameter",
                    "The api-version 'yesterday' is invalid. The supported versions are ''."))
    }

    @Test("the parameter name is matched case-insensitively and may come anywhere in the query")
    func parameterPlacement() throws {
        let p = Fixture.pipeline()
        for query in [
            "?API-VERSION=2024-11-01", "?$expand=restorePoints&api-version=2024-11-01",
            "?a=1&Api-Version=2024-11-01&b=2",
        ] {
            let r = p.handle(Fixture.http(.get, Self.rpcPath + query))
            #expect(r.status == 200, "\(query)")
            #expect(try r.json()["served"] == "2024-11-01")
        }
    }
}
