import ARMKit
import EmuCore
import EmuHTTP
import Testing

/// Route resolution through the pipeline: case, query order, 404, 405, HEAD and specificity (CONTRACT.md §2, §7).
@Suite("ARMPipeline: routing")
struct ARMPipelineRoutingTests {
    static let sub = Fixture.subscription

    @Test(
        "fixed segments match in any case; captures keep the client's case",
        arguments: [
            "/subscriptions/\(sub)/resourceGroups/RG-One/providers/Microsoft.Compute/restorePointCollections/Rpc_1",
            "/subscriptions/\(sub)/resourcegroups/RG-One/providers/microsoft.compute/restorepointcollections/Rpc_1",
            "/SUBSCRIPTIONS/\(sub)/RESOURCEGROUPS/RG-One/PROVIDERS/MICROSOFT.COMPUTE/RESTOREPOINTCOLLECTIONS/Rpc_1",
            "//subscriptions/\(sub)/resourceGroups//RG-One/providers/Microsoft.Compute/restorePointCollections/Rpc_1/",
        ])
    func caseInsensitive(path: String) throws {
        let r = Fixture.pipeline().handle(Fixture.http(.get, path + "?api-version=2024-11-01"))
        #expect(r.status == 200)
        let body = try r.json()
        #expect(body["route"] == "rpc.get")
        #expect(
            body["captures"]
                == ["resourceGroupName": "RG-One", "rpc": "Rpc_1", "subscriptionId": .string(Self.sub)])
    }

    @Test("captures are percent-decoded")
    func decodedCapture() throws {
        let target = "/subscriptions/\(Self.sub)/resourceGroups/my%2Drg%20x?api-version=2022-12-01"
        let r = Fixture.pipeline().handle(Fixture.http(.get, target))
        #expect(r.status == 200)
        #expect(try r.json()["captures"]?["resourceGroupName"] == "my-rg x")
    }

    @Test(
        "query parameters in any order; `$expand` and `$Expand` alike",
        arguments: [
            "?api-version=2024-11-01&$expand=restorePoints", "?$expand=restorePoints&api-version=2024-11-01",
            "?$Expand=restorePoints&api-version=2024-11-01", "?%24expand=restorePoints&api-version=2024-11-01",
            "?$EXPAND=restorePoints&x=1&api-version=2024-11-01",
        ])
    func queryOrder(query: String) throws {
        let path = Fixture.rgPath + "/providers/Microsoft.Compute/restorePointCollections/rpc1"
        let r = Fixture.pipeline().handle(Fixture.http(.get, path + query))
        #expect(r.status == 200)
        let body = try r.json()
        #expect(body["expand"] == "restorePoints")
        #expect(body["served"] == "2024-11-01")
    }

    @Test("an unknown path → 404 NoRegisteredProviderFound naming method, path and the router's hint")
    func unknownPath() {
        let target = "/subscriptions/\(Self.sub)/resourceGroups/rg1/providers/Microsoft.Network/vnets/v/x?api-version=1"
        let r = Fixture.pipeline().handle(Fixture.http(.get, target))
        #expect(r.status == 404)
        #expect(
            r.text
                == envelope(
                    "NoRegisteredProviderFound",
                    "No registered resource provider found for 'GET /subscriptions/\(Self.sub)/resourceGroups/rg1/"
                        + "providers/Microsoft.Network/vnets/v/x'. See /_emulator/routes."))
        #expect(r.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(r.headers["Allow"] == nil)
    }

    @Test("without a hint the 404 message ends after the path")
    func unknownPathNoHint() {
        let p = Fixture.pipeline(router: ARMRouter())
        let r = p.handle(Fixture.http(.delete, "/a/b?api-version=2024-11-01"))
        #expect(r.status == 404)
        #expect(
            r.text == envelope("NoRegisteredProviderFound", "No registered resource provider found for 'DELETE /a/b'."))
    }

    @Test("a known path with another method → 405 MethodNotAllowed naming the route, with Allow")
    func wrongMethod() {
        let r = Fixture.pipeline().handle(Fixture.http(.patch, Fixture.rgPath + "?api-version=2022-12-01"))
        #expect(r.status == 405)
        let template = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
        #expect(
            r.text
                == envelope(
                    "MethodNotAllowed",
                    "The HTTP method 'PATCH' is not supported for '\(template)'. Supported methods: GET, PUT, DELETE."))
        #expect(r.headers["Allow"] == "GET, PUT, DELETE")
        #expect(r.headers.values("Allow").count == 1)
    }

    @Test("the route is checked before the api-version: a wrong method without api-version is still 405")
    func methodBeforeVersion() {
        let r = Fixture.pipeline().handle(Fixture.http(.post, Fixture.rgPath))
        #expect(r.status == 405)
    }

    @Test("HEAD falls back to the GET route")
    func headFallback() throws {
        let r = Fixture.pipeline().handle(Fixture.http(.head, Fixture.rgPath + "?api-version=2022-12-01"))
        #expect(r.status == 200)
        #expect(try r.json()["route"] == "rg.get")
    }

    @Test("HEAD prefers its own route over GET, whatever the registration order", arguments: [false, true])
    func headOwnRoute(headFirst: Bool) throws {
        var router = ARMRouter()
        let t = "/subscriptions/{s}/resourceGroups/{rg}"
        if headFirst { router.add(.head, t, family: .any, Fixture.echo("head")) }
        router.add(.get, t, family: .any, Fixture.echo("get"))
        if !headFirst { router.add(.head, t, family: .any, Fixture.echo("head")) }
        let p = Fixture.pipeline(router: router)
        #expect(try p.handle(Fixture.http(.head, Fixture.rgPath + "?api-version=2022-12-01")).json()["route"] == "head")
        #expect(try p.handle(Fixture.http(.get, Fixture.rgPath + "?api-version=2022-12-01")).json()["route"] == "get")
    }

    @Test("HEAD on a path with no GET route → 405")
    func headWithoutGet() {
        var router = ARMRouter()
        router.add(.put, "/subscriptions/{s}", family: .any, Fixture.echo("put"))
        let r = Fixture.pipeline(router: router).handle(Fixture.http(.head, "/subscriptions/s?api-version=2022-12-01"))
        #expect(r.status == 405)
        #expect(r.headers["Allow"] == "PUT")
    }

    @Test("GET never falls back to a HEAD route")
    func getDoesNotUseHead() {
        var router = ARMRouter()
        router.add(.head, "/subscriptions/{s}", family: .any, Fixture.echo("head"))
        let r = Fixture.pipeline(router: router).handle(Fixture.http(.get, "/subscriptions/s?api-version=2022-12-01"))
        #expect(r.status == 405)
        #expect(r.headers["Allow"] == "HEAD")
    }

    @Test("a literal segment beats a capture, whatever the registration order", arguments: [false, true])
    func literalBeatsCapture(captureFirst: Bool) throws {
        var router = ARMRouter()
        let listAll = "/subscriptions/{s}/providers/Microsoft.Compute/restorePointCollections"
        let generic = "/subscriptions/{s}/{a}/{b}/{c}"
        let rg = "/subscriptions/{s}/resourceGroups/{rg}"
        let providerRG = "/subscriptions/{s}/{kind}/{name}"
        if captureFirst {
            router.add(.get, generic, family: .any, Fixture.echo("generic"))
            router.add(.get, providerRG, family: .any, Fixture.echo("providerRG"))
        }
        router.add(.get, listAll, family: .compute, Fixture.echo("listAll"))
        router.add(.get, rg, family: .any, Fixture.echo("rg"))
        if !captureFirst {
            router.add(.get, generic, family: .any, Fixture.echo("generic"))
            router.add(.get, providerRG, family: .any, Fixture.echo("providerRG"))
        }
        let p = Fixture.pipeline(router: router)
        func route(_ path: String) throws -> JSON? {
            try p.handle(Fixture.http(.get, path + "?api-version=2024-11-01")).json()["route"]
        }
        #expect(try route("/subscriptions/s/providers/Microsoft.Compute/restorePointCollections") == "listAll")
        #expect(try route("/subscriptions/s/providers/microsoft.compute/RESTOREPOINTCOLLECTIONS") == "listAll")
        #expect(try route("/subscriptions/s/providers/Microsoft.Compute/disks") == "generic")
        #expect(try route("/subscriptions/s/resourceGroups/providers") == "rg")
        #expect(try route("/subscriptions/s/resourcegroups/rg1") == "rg")
        #expect(try route("/subscriptions/s/providers/Microsoft.Compute") == "providerRG")
    }

    @Test("the most specific path decides 405 even when a generic route has the method")
    func specificPathDecidesMethod() {
        let r = Fixture.pipeline().handle(
            Fixture.http(
                .post,
                "/subscriptions/\(Self.sub)/providers/Microsoft.Compute/restorePointCollections?api-version=2024-11-01")
        )
        #expect(r.status == 405)
        #expect(r.headers["Allow"] == "GET")
    }

    @Test("the generic route serves the method the specific path lacks when the path is not the specific one")
    func genericServesOtherPaths() throws {
        let r = Fixture.pipeline().handle(
            Fixture.http(.post, "/subscriptions/\(Self.sub)/a/b/c?api-version=2024-11-01"))
        #expect(r.status == 200)
        #expect(try r.json()["route"] == "catchAll.post")
    }

    @Test(
        "each route applies its own version family",
        arguments: [
            ("/providers/Microsoft.Compute/restorePointCollections/r", "2026-03-02", 400),
            ("/providers/Microsoft.Compute/disks/d", "2026-03-02", 200),
            ("/providers/Microsoft.Compute/disks/d", "2024-11-01", 400),
            ("", "2026-03-02", 200),
        ])
    func familyPerRoute(suffix: String, version: String, status: Int) {
        let r = Fixture.pipeline().handle(Fixture.http(.get, Fixture.rgPath + suffix + "?api-version=" + version))
        #expect(r.status == status)
    }

    @Test("equally specific routes: the first registered serves GET and HEAD alike")
    func equalSpecificity() throws {
        var router = ARMRouter()
        router.add(.get, "/subscriptions/{s}/{first}", family: .any, Fixture.echo("first"))
        router.add(.get, "/subscriptions/{s}/{second}", family: .any, Fixture.echo("second"))
        let p = Fixture.pipeline(router: router)
        for method in [HTTPMethod.get, .head] {
            let r = p.handle(Fixture.http(method, "/subscriptions/s/x?api-version=2022-12-01"))
            #expect(try r.json()["route"] == "first", "\(method)")
        }
    }
}

/// Path templates on their own.
@Suite("RoutePattern")
struct RoutePatternTests {
    @Test("literals match case-insensitively and count; captures take the segment as given")
    func match() throws {
        let p = RoutePattern("/subscriptions/{s}/resourceGroups/{rg}")
        #expect(p.description == "/subscriptions/{s}/resourceGroups/{rg}")
        let m = try #require(p.match(["SUBSCRIPTIONS", "Sub", "resourcegroups", "Rg"]))
        #expect(m.captures.map { "\($0.name)=\($0.value)" } == ["s=Sub", "rg=Rg"])
        #expect(m.captures["rg"] == "Rg")
        #expect(m.captures["missing"] == nil)
        #expect(m.literals == 2)
        #expect(p.match(["subscriptions", "s", "resourceGroup", "rg"]) == nil)
        #expect(p.match(["subscriptions", "s", "resourceGroups"]) == nil)
        #expect(p.match(["subscriptions", "s", "resourceGroups", "rg", "x"]) == nil)
        #expect(RoutePattern("/").match([])?.literals == 0)
    }
}
