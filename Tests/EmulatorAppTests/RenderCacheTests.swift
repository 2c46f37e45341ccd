import ARMKit
import EmuCore
import EmuHTTP
import Testing

@testable import EmulatorApp
@testable import EmulatorStore

/// Restore point GETs answered from kept renders read exactly what a fresh render reads (RenderCache).
@Suite("Render cache")
struct RenderCacheTests {
    /// A group, a VM with a Premium SSD OS disk and a 32 GiB PV2 data disk (its copy reports progress every
    /// 600 s), an IA collection and a 120-minute restore point `rp1`.
    private func setUp() throws -> TestEmulator {
        let e = try TestEmulator()
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        try e.advance(seconds: 5)
        let put = e.call(
            .put, path("rg1", "rpc1", "rp1", e), body: ["properties": ["instantAccessDurationMinutes": 120]])
        try #require(put.status == 201)
        return e
    }

    private func path(_ group: String, _ collection: String, _ name: String, _ e: TestEmulator) -> String {
        e.cp(group) + "/restorePointCollections/\(collection)/restorePoints/\(name)"
    }

    /// The restore point's path with the names cased by the bits of `n`: a spelling no earlier read used, so
    /// its render is made fresh (kept renders are per id spelling). Ids in the answer follow the spelling.
    private func spelled(_ n: Int, _ e: TestEmulator) -> String {
        func cased(_ word: String, _ bits: Int) -> String {
            String(word.enumerated().map { i, c in bits >> i & 1 == 1 ? Character(c.uppercased()) : c })
        }
        return path(cased("rg1", n), cased("rpc1", n >> 3), cased("rp1", n >> 7), e)
    }

    @Test func everyInstantReadsWhatAFreshRenderReads() throws {
        let e = try setUp()
        let kept = path("rg1", "rpc1", "rp1", e)
        // Through creation, the copy's progress reports, its end and the end of instant access, in 97 s steps
        // (not a divisor of any boundary), both with and without the instance view and on an api-version
        // without instant access.
        for step in 1..<112 {
            for (query, api) in [("?$expand=instanceView", "2025-04-01"), ("", "2025-04-01"), ("", "2024-03-01")] {
                let cached = e.call(.get, kept + query, api: api)
                let again = e.call(.get, kept + query, api: api)
                let fresh = e.call(
                    .get, spelled(step * 3 + (query.isEmpty ? 1 : 0) + (api < "2025" ? 1 : 0), e) + query, api: api)
                #expect(cached.status == 200 && fresh.status == 200)
                #expect(again.body == cached.body)
                #expect(cached.text.lowercased() == fresh.text.lowercased(), "step \(step) \(query) \(api)")
            }
            try e.advance(seconds: 97)
        }
        #expect(e.emulator.app.renders.count > 0)
    }

    /// A live restore point is answered without reading its group and collection; a missing one still gets the
    /// error of the first missing level (CONTRACT.md §7): group, collection, then the restore point.
    @Test func aMissingRestorePointNamesTheFirstMissingLevel() throws {
        let e = try setUp()
        try e.advance(seconds: 60)
        let missing = e.call(.get, path("rg1", "rpc1", "nope", e))
        #expect(missing.status == 404)
        #expect(missing.errorCode == "ResourceNotFound")
        #expect(missing.json["error"]?["message"]?.stringValue?.contains("restorePoints/nope") == true)
        let noCollection = e.call(.get, path("rg1", "ghost", "rp1", e))
        #expect(noCollection.errorCode == "ResourceNotFound")
        #expect(noCollection.json["error"]?["message"]?.stringValue?.contains("restorePointCollections/ghost") == true)
        #expect(e.call(.get, path("nogroup", "rpc1", "rp1", e)).errorCode == "ResourceGroupNotFound")
        // Deleting the group removes the restore point at once; while the group reads Deleting, a GET says so.
        #expect(e.call(.delete, e.rg("rg1"), api: "2024-11-01").status == 202)
        #expect(e.call(.get, path("rg1", "rpc1", "rp1", e)).errorCode == "ResourceGroupBeingDeleted")
    }

    /// A write the service does not make (here straight to the store) still reaches the next GET after reads that
    /// were answered without a transaction: the write moved the store's generation.
    @Test func aWriteBehindKeptRendersIsReadAtOnce() throws {
        let e = try setUp()
        try e.advance(seconds: 60)
        let rp = path("rg1", "rpc1", "rp1", e)
        for _ in 0..<3 { #expect(e.call(.get, rp).json["properties"]?["marker"] == nil) }
        let store = e.emulator.app.db.store
        let before = try #require(store.generation)
        let key = try #require(ResourceID.parse(e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp1")).key
        try store.write { tx throws(StoreError) in
            guard var record = try tx.resource(key: key), case .object(var body) = record.body,
                var arm = body["arm"]?.objectValue, var properties = arm["properties"]?.objectValue
            else { throw .corrupt("no stored restore point") }
            properties["marker"] = "written"
            arm["properties"] = .object(properties)
            body["arm"] = .object(arm)
            record.body = .object(body)
            try tx.updateBody(of: record)
        }
        #expect(try #require(store.generation) > before)
        #expect(e.call(.get, rp).json["properties"]?["marker"]?.stringValue == "written")
    }

    /// Kept renders are answered by the generation they were tagged with, or re-tagged by an unchanged body.
    @Test func generationsAndRetagging() {
        let cache = RenderCache()
        let key = RenderCache.Key(id: "/x", apiVersion: "2025-04-01", expand: false)
        let render = RenderCache.Render(doc: ["a": 1], bytes: Array(#"{"a":1}"#.utf8))
        let version = BodyVersion(value: 7)
        let t = Timestamp(ticks: 1_000)
        cache.keep(render, for: key, version: version, generation: 4, from: t, until: Timestamp(ticks: 2_000))
        #expect(cache.render(for: key, generation: 4, at: t)?.bytes == render.bytes)
        #expect(cache.render(for: key, generation: 6, at: t) == nil)  // a write since
        #expect(cache.render(for: key, generation: 4, at: Timestamp(ticks: 2_000)) == nil)  // past its interval
        #expect(cache.render(for: key, generation: 4, at: Timestamp(ticks: 999)) == nil)
        // The body read at generation 6 is the same text: the render holds and answers generation 6 from now on.
        #expect(cache.render(for: key, version: BodyVersion(value: 8), at: t, retagging: 6) == nil)
        #expect(cache.render(for: key, version: version, at: t, retagging: 6) != nil)
        #expect(cache.render(for: key, generation: 6, at: t) != nil)
        #expect(cache.render(for: key, generation: 4, at: t) == nil)
        // Read while a write was open, the body is not tied to any generation.
        #expect(cache.render(for: key, version: version, at: t, retagging: nil) != nil)
        #expect(cache.render(for: key, generation: 6, at: t) == nil)
    }

    /// A collection read without `$expand` is kept too: an update, another api-version, a delete and its end all
    /// read at once, and each read matches a fresh render (another spelling of its id).
    @Test func aCollectionReadsEveryChangeAtOnce() throws {
        let e = try TestEmulator()
        e.makeResourceGroup()
        e.makeVM()
        try #require(e.makeCollection().status == 201)
        let rpc = e.cp("rg1") + "/restorePointCollections/rpc1"
        var spelling = 0
        func read(_ api: String = "2025-04-01") -> Reply {
            let kept = e.call(.get, rpc, api: api)
            #expect(e.call(.get, rpc, api: api).text == kept.text)
            spelling += 1
            let fresh = e.call(
                .get, e.cp("rg1") + "/restorePointCollections/" + (spelling % 2 == 0 ? "RPC1" : "Rpc1"), api: api)
            #expect(kept.text.lowercased() == fresh.text.lowercased())
            return kept
        }
        #expect(read().json["properties"]?["provisioningState"]?.stringValue == "Succeeded")  // at once (§4.2)
        #expect(read().json["properties"]?["instantAccess"]?.boolValue == true)
        #expect(read("2024-03-01").json["properties"]?["instantAccess"] == nil)
        #expect(e.call(.patch, rpc, body: ["tags": ["team": "blue"]]).status == 200)
        #expect(read().json["tags"]?["team"]?.stringValue == "blue")
        #expect(e.call(.delete, rpc).status == 202)
        #expect(read().json["properties"]?["provisioningState"]?.stringValue == "Deleting")
        try e.advance(seconds: 3600)
        #expect(e.call(.get, rpc).status == 404)
    }

    @Test func aDeleteAtTheSameInstantIsReadAtOnce() throws {
        let e = try setUp()
        try e.advance(seconds: 60)
        let rp = path("rg1", "rpc1", "rp1", e)
        #expect(e.call(.get, rp).json["properties"]?["provisioningState"]?.stringValue == "Succeeded")
        #expect(e.call(.delete, rp).status == 202)
        #expect(e.call(.get, rp).json["properties"]?["provisioningState"]?.stringValue == "Deleting")
        try e.advance(seconds: 60)
        #expect(e.call(.get, rp).status == 404)
    }
}
