import ARMKit
import EmuCore
import EmuHTTP
import Testing

/// `$skiptoken`: base64url of the last key, opaque and URL-safe (reference/clients.md §0.6).
@Suite("SkipToken")
struct SkipTokenTests {
    static let urlSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    @Test(
        "encode then decode gives the key back",
        arguments: [
            "", "a", "ab", "abc", "abcd", "abcde",
            "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/restorepointcollections/rpc_1",
            "osdisk_0a1b2c3d-0000-4000-8000-000000000000", "ünïcødé 🚀 名前", "a_b-c/d+e=f?g&h#i%j k",
            "\u{0}\u{1}\u{7F}", String(repeating: "xyz/", count: 300),
        ])
    func roundTrip(key: String) {
        let token = SkipToken.encode(key)
        #expect(SkipToken.decode(token) == key)
        #expect(token.allSatisfy { Self.urlSafe.contains($0) }, "\(token)")
        #expect(URLComponentsParser.percentEncode(token) == token)
    }

    @Test(
        "RFC 4648 §5 vectors: base64url without padding",
        arguments: [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"), (">>>?", "Pj4-Pw"), ("???", "Pz8_"),
        ])
    func vectors(key: String, token: String) {
        #expect(SkipToken.encode(key) == token)
        #expect(SkipToken.decode(token) == key)
    }

    @Test(
        "tokens the emulator did not make decode to nil",
        arguments: [
            "!!!", "a b", "Zm9v=", "Zg==", "Pz8/", "Pj4+Pw", "Z", "Zm9vY", "%41", "_w", "__8", "wA", "Zm9v\n", "Zm.9",
        ])
    func garbage(token: String) {
        #expect(SkipToken.decode(token) == nil)
    }
}

/// `Page.request` / `Page.response`: `{"value":[...],"nextLink":...}` with an absolute nextLink that keeps
/// api-version (reference/clients.md §0.6, §0.8).
@Suite("Page")
struct PageTests {
    static let listPath =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/restorePointCollections"

    @Test("no $skiptoken → the first page")
    func firstPage() throws {
        let page = try Page.request(Fixture.armRequest(.get, Self.listPath + "?api-version=2024-11-01"), size: 2)
        #expect(page.after == nil)
        #expect(page.size == 2)
    }

    @Test(
        "a token the emulator made → the key after which the page starts; the name is case-insensitive",
        arguments: ["$skiptoken", "$SkipToken", "%24skiptoken"])
    func laterPage(name: String) throws {
        let token = SkipToken.encode("rg/rpc_2")
        let page = try Page.request(
            Fixture.armRequest(.get, Self.listPath + "?api-version=2024-11-01&\(name)=\(token)"), size: 5)
        #expect(page.after == "rg/rpc_2")
        #expect(page.size == 5)
    }

    @Test("a bad token → 400 InvalidParameter with target $skiptoken", arguments: ["!!!", "Pz8/", "Z", "_w"])
    func badToken(token: String) throws {
        let request = Fixture.armRequest(.get, Self.listPath + "?api-version=2024-11-01&$skiptoken=" + token)
        let e = try #require(throws: ARMError.self) { try Page.request(request, size: 2) }
        #expect(e.status == 400)
        #expect(e.code == "InvalidParameter")
        #expect(e.target == "$skiptoken")
        #expect(
            ARMPipeline.render(e).text
                == envelope("InvalidParameter", "The value of $skiptoken is not valid.", target: "$skiptoken"))
    }

    @Test("a page with more after it: value, then an absolute nextLink keeping every parameter")
    func nextLink() throws {
        let r = Fixture.armRequest(.get, Self.listPath + "?api-version=2024-11-01&$expand=restorePoints")
        let response = Page.response(r, items: ["a", "b"], lastKey: "rg/rpc_2", hasMore: true)
        #expect(response.status == 200)
        let body = try #require(response.body?.objectValue)
        #expect(body.keys == ["value", "nextLink"])
        #expect(body["value"] == ["a", "b"])
        #expect(
            body["nextLink"]
                == .string(
                    "https://127.0.0.1:8443" + Self.listPath
                        + "?api-version=2024-11-01&$expand=restorePoints&$skiptoken="
                        + SkipToken.encode("rg/rpc_2")))
    }

    @Test("an existing $skiptoken (any case) is replaced, not repeated")
    func replacesToken() throws {
        let old = SkipToken.encode("rg/rpc_1")
        let r = Fixture.armRequest(
            .get, Self.listPath + "?$SkipToken=\(old)&api-version=2024-11-01&$skiptoken=\(old)")
        let response = Page.response(r, items: [], lastKey: "rg/rpc_3", hasMore: true)
        #expect(
            response.body?["nextLink"]
                == .string(
                    "https://127.0.0.1:8443" + Self.listPath + "?api-version=2024-11-01&$skiptoken="
                        + SkipToken.encode("rg/rpc_3")))
    }

    @Test("nextLink uses the listener's scheme and the Host header; values are re-encoded")
    func schemeAndHost() throws {
        let r = Fixture.armRequest(
            .get, "/subscriptions/s/resourcegroups?api-version=2022-12-01&$filter=tagName%20eq%20%27a%26b%27",
            host: "localhost:8080", secure: false)
        let link = try #require(Page.response(r, items: [], lastKey: "k", hasMore: true).body?["nextLink"]?.stringValue)
        #expect(
            link
                == "http://localhost:8080/subscriptions/s/resourcegroups?api-version=2022-12-01"
                + "&$filter=tagName%20eq%20%27a%26b%27&$skiptoken=aw")
    }

    @Test("the last page has no nextLink member at all")
    func lastPage() throws {
        let r = Fixture.armRequest(.get, Self.listPath + "?api-version=2024-11-01&$skiptoken=aw")
        let last = Page.response(r, items: ["z"], lastKey: "z", hasMore: false)
        #expect(last.body?.objectValue?.keys == ["value"])
        #expect(last.body == ["value": ["z"]])
        let empty = Page.response(r, items: [], lastKey: nil, hasMore: false)
        #expect(empty.body == ["value": []])
        let noKey = Page.response(r, items: [], lastKey: nil, hasMore: true)
        #expect(noKey.body?.objectValue?.keys == ["value"])
    }

    @Test("following nextLink as a client does reads back the last key")
    func followNextLink() throws {
        let key = "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/restorepointcollections/ünï_1"
        let first = Fixture.armRequest(.get, Self.listPath + "?api-version=2024-11-01")
        let link = try #require(
            Page.response(first, items: ["x"], lastKey: key, hasMore: true).body?["nextLink"]?.stringValue)
        let base = "https://127.0.0.1:8443"
        #expect(link.hasPrefix(base))
        let second = Fixture.armRequest(.get, String(link.dropFirst(base.count)))
        #expect(second.http.queryValue("api-version") == "2024-11-01")
        #expect(try Page.request(second, size: 1).after == key)
    }

    @Test("paging through the pipeline: nextLink carries api-version; a bad token answers the 400")
    func throughPipeline() throws {
        let items = ["a", "b", "c"]
        var router = ARMRouter()
        router.add(.get, "/subscriptions/{s}/resourcegroups", family: .any) { r throws(ARMError) in
            let page = try Page.request(r, size: 2)
            let rest = items.filter { page.after == nil || $0 > page.after! }
            let slice = Array(rest.prefix(page.size))
            return Page.response(
                r, items: slice.map(JSON.string), lastKey: slice.last, hasMore: rest.count > slice.count)
        }
        let p = Fixture.pipeline(router: router)
        var target: String? = "/subscriptions/s/resourcegroups?api-version=2022-12-01"
        var seen: [JSON] = []
        var pages = 0
        while let t = target, pages < 5 {
            let r = p.handle(Fixture.http(.get, t))
            #expect(r.status == 200)
            let body = try r.json()
            seen += body["value"]?.arrayValue ?? []
            target = body["nextLink"]?.stringValue.map { String($0.dropFirst("https://127.0.0.1:8443".count)) }
            if let target { #expect(target.contains("api-version=2022-12-01")) }
            pages += 1
        }
        #expect(seen == ["a", "b", "c"])
        #expect(pages == 2)
        let bad = p.handle(Fixture.http(.get, "/subscriptions/s/resourcegroups?api-version=2022-12-01&$skiptoken=%21"))
        #expect(bad.status == 400)
        #expect(bad.text == envelope("InvalidParameter", "The value of $skiptoken is not valid.", target: "$skiptoken"))
    }
}
