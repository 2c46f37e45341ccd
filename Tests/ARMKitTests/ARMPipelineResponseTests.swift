import ARMKit
import EmuCore
import EmuHTTP
import Testing

/// The headers every ARM response carries and the one place errors become bodies (CONTRACT.md §7,
/// reference/clients.md §0.9).
@Suite("ARMPipeline: response headers and error rendering")
struct ARMPipelineResponseTests {
    static let ok = Fixture.rgPath + "?api-version=2022-12-01"

    /// One request of each outcome: success, handler error, 404, 405, 401, 400.
    static let outcomes: [(String, HTTPRequest)] = [
        ("200", Fixture.http(.get, ok)),
        ("handler error", Fixture.http(.get, Fixture.rgPath + "/fail?api-version=2022-12-01")),
        ("404", Fixture.http(.get, "/nowhere?api-version=2022-12-01")),
        ("405", Fixture.http(.patch, ok)),
        ("401", Fixture.http(.get, ok, headers: [("Host", "127.0.0.1:8443")])),
        ("400 version", Fixture.http(.get, Fixture.rgPath)),
        ("204 no body", Fixture.http(.get, Fixture.rgPath + "/nobody?api-version=2022-12-01")),
    ]

    @Test("every response carries a GUID request id, the correlation id, no-cache and the emulated now")
    func standardHeaders() {
        for (label, request) in Self.outcomes {
            let r = Fixture.pipeline().handle(request)
            let id = r.headers["x-ms-request-id"] ?? ""
            #expect(isGUID(id), "\(label): \(id)")
            #expect(r.headers["x-ms-correlation-request-id"] == id, "\(label)")
            #expect(r.headers["Cache-Control"] == "no-cache", "\(label)")
            #expect(r.headers["Pragma"] == "no-cache", "\(label)")
            #expect(r.headers["x-ms-emulator-now"] == "2026-04-24T10:48:18.0086391+00:00", "\(label)")
            #expect(r.headers.values("x-ms-request-id").count == 1, "\(label)")
        }
    }

    @Test("x-ms-emulator-now follows the emulated clock with 7 fractional digits")
    func emulatedNow() {
        let p = ARMPipeline(
            router: Fixture.router(), authenticator: BearerAuthenticator(mode: .any), versions: APIVersionPolicy(),
            logger: .silent, emulatedNow: { Timestamp(ticks: 0) })
        #expect(
            p.handle(Fixture.http(.get, Self.ok)).headers["x-ms-emulator-now"] == "1970-01-01T00:00:00.0000000+00:00")
    }

    @Test("the client's correlation id is echoed; the request id is fresh per request")
    func correlation() throws {
        let p = Fixture.pipeline()
        let headers = [
            ("Host", "127.0.0.1:8443"), ("Authorization", "Bearer t"),
            ("X-MS-Correlation-Request-Id", "c0ffee00-0000-4000-8000-000000000001"),
        ]
        let a = p.handle(Fixture.http(.get, Self.ok, headers: headers))
        let b = p.handle(Fixture.http(.get, Self.ok, headers: headers))
        #expect(a.headers["x-ms-correlation-request-id"] == "c0ffee00-0000-4000-8000-000000000001")
        #expect(b.headers["x-ms-correlation-request-id"] == "c0ffee00-0000-4000-8000-000000000001")
        let idA = try #require(a.headers["x-ms-request-id"])
        let idB = try #require(b.headers["x-ms-request-id"])
        #expect(idA != idB)
        #expect(idA != "c0ffee00-0000-4000-8000-000000000001")
        // The handler saw the same ids the response carries.
        #expect(try a.json()["requestID"] == .string(idA))
        #expect(try a.json()["correlationID"] == "c0ffee00-0000-4000-8000-000000000001")
        // An error response echoes it too.
        let e = p.handle(Fixture.http(.get, "/nowhere", headers: headers))
        #expect(e.headers["x-ms-correlation-request-id"] == "c0ffee00-0000-4000-8000-000000000001")
    }

    @Test("an empty correlation header counts as absent")
    func emptyCorrelation() throws {
        let r = Fixture.pipeline().handle(
            Fixture.http(
                .get, Self.ok,
                headers: [("Host", "h"), ("Authorization", "Bearer t"), ("x-ms-correlation-request-id", "")]))
        let id = try #require(r.headers["x-ms-request-id"])
        #expect(r.headers["x-ms-correlation-request-id"] == id)
        #expect(try r.json()["correlationID"] == .string(id))
    }

    @Test("JSON bodies are application/json; charset=utf-8, bodiless responses have no Content-Type")
    func contentType() {
        let p = Fixture.pipeline()
        let ok = p.handle(Fixture.http(.get, Self.ok))
        #expect(ok.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(ok.headers.values("Content-Type").count == 1)
        let none = p.handle(Fixture.http(.get, Fixture.rgPath + "/nobody?api-version=2022-12-01"))
        #expect(none.status == 204)
        #expect(none.body.isEmpty)
        #expect(none.headers["Content-Type"] == nil)
        #expect(none.headers["ETag"] == "\"1\"")
    }

    @Test("a handler's Content-Type is replaced by the JSON one when it returns a body")
    func handlerContentTypeReplaced() {
        var router = ARMRouter()
        router.add(.get, "/subscriptions/{s}", family: .any) { _ throws(ARMError) in
            var h = HTTPHeaders()
            h.add("content-type", "text/plain")
            return ARMResponse(status: 200, body: ["a": 1], headers: h)
        }
        let r = Fixture.pipeline(router: router).handle(Fixture.http(.get, "/subscriptions/s?api-version=2022-12-01"))
        #expect(r.headers.values("Content-Type") == ["application/json; charset=utf-8"])
        #expect(r.text == #"{"a":1}"#)
    }

    @Test("HSTS only over TLS")
    func hsts() {
        let p = Fixture.pipeline()
        #expect(p.handle(Fixture.http(.get, Self.ok)).headers["Strict-Transport-Security"] != nil)
        let plain = Fixture.http(.get, Self.ok, headers: [("Host", "h"), ("Authorization", "Bearer t")], secure: false)
        #expect(p.handle(plain).headers["Strict-Transport-Security"] == nil)
    }

    @Test(
        "the handler sees the base URL from Host and the listener's scheme",
        arguments: [
            ("127.0.0.1:8443", true, "https://127.0.0.1:8443"), ("localhost:8080", false, "http://localhost:8080"),
            ("", false, "http://localhost"), (nil, true, "https://localhost"),
        ] as [(String?, Bool, String)])
    func baseURL(host: String?, secure: Bool, expected: String) throws {
        var headers = [("Authorization", "Bearer t")]
        if let host { headers.append(("Host", host)) }
        let r = Fixture.pipeline().handle(Fixture.http(.get, Self.ok, headers: headers, secure: secure))
        #expect(try r.json()["baseURL"] == .string(expected))
    }

    @Test("an ARMError thrown by a handler renders exactly the envelope, with target")
    func handlerError() {
        let r = Fixture.pipeline().handle(Fixture.http(.get, Fixture.rgPath + "/fail?api-version=2022-12-01"))
        #expect(r.status == 400)
        #expect(
            r.text
                == #"{"error":{"code":"InvalidParameter","message":"The value 'x' is not valid.","#
                + #""target":"properties.x"}}"#)
        #expect(r.headers["Content-Type"] == "application/json; charset=utf-8")
    }

    @Test("render: status, envelope with details, extra headers, JSON escaping")
    func render() {
        let e = ARMError(
            status: 429, code: "TooManyRequests", message: "Slow \"down\"\n",
            details: [ARMError(status: 429, code: "Inner", message: "m", target: "t")],
            headers: ["Retry-After": "3", "A-Header": "x"])
        let r = ARMPipeline.render(e)
        #expect(r.status == 429)
        #expect(
            r.text
                == #"{"error":{"code":"TooManyRequests","message":"Slow \"down\"\n","#
                + #""details":[{"code":"Inner","message":"m","target":"t"}]}}"#)
        #expect(r.headers["Retry-After"] == "3")
        #expect(r.headers.fields.map(\.name) == ["A-Header", "Retry-After", "Content-Type"])
    }

    @Test("an error without target or details has exactly code and message")
    func renderMinimal() {
        let r = ARMPipeline.render(.resourceGroupNotFound("rg1"))
        #expect(r.status == 404)
        #expect(
            r.text
                == #"{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'rg1' could not be found."}}"#)
    }

    @Test("a raw body is sent as it is, with the handler's Content-Type")
    func rawBody() {
        var router = ARMRouter()
        router.add(.get, "/subscriptions/{s}", family: .any) { _ throws(ARMError) in
            var h = HTTPHeaders()
            h.add("Content-Type", "application/x-pem-file")
            return ARMResponse(status: 200, body: ["ignored": true], headers: h, rawBody: Array("-----BEGIN".utf8))
        }
        let r = Fixture.pipeline(router: router).handle(Fixture.http(.get, "/subscriptions/s?api-version=2022-12-01"))
        #expect(r.status == 200)
        #expect(r.text == "-----BEGIN")
        #expect(r.headers.values("Content-Type") == ["application/x-pem-file"])
        #expect(isGUID(r.headers["x-ms-request-id"] ?? ""))
    }

    @Test("ARMResponse.httpResponse: JSON typed, no body untyped")
    func httpResponse() {
        let json = ARMResponse(status: 201, body: ["a": "b"]).httpResponse
        #expect(json.status == 201)
        #expect(json.text == #"{"a":"b"}"#)
        #expect(json.headers["Content-Type"] == "application/json; charset=utf-8")
        let empty = ARMResponse(status: 202).httpResponse
        #expect(empty.body.isEmpty)
        #expect(empty.headers.fields.isEmpty)
    }
}
