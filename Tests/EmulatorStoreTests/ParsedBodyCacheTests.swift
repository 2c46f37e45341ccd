import EmuCore
import Testing

@testable import EmulatorStore

@Suite("Parsed body cache")
struct ParsedBodyCacheTests {
    /// Looks `text` up under `key`; returns the JSON and whether it had to be parsed.
    private func lookup(_ cache: ParsedBodyCache, _ key: String, _ text: String) throws -> (JSON, parsed: Bool) {
        var parsed = false
        let json = try Array(text.utf8).withUnsafeBufferPointer { buffer in
            try cache.versioned(key: key, text: buffer) {
                parsed = true
                return try JSONParser.parse(text)
            }.json
        }
        return (json, parsed)
    }

    @Test("the same text is parsed once; a changed text is parsed again and replaces the entry")
    func hitsOnlyOnTheSameText() throws {
        let cache = ParsedBodyCache(capacity: 4, maxBytes: 1024)
        #expect(try lookup(cache, "a", #"{"v":1}"#) == (["v": 1], true))
        #expect(try lookup(cache, "a", #"{"v":1}"#) == (["v": 1], false))
        #expect(try lookup(cache, "a", #"{"v":2}"#) == (["v": 2], true))
        #expect(try lookup(cache, "a", #"{"v":2}"#) == (["v": 2], false))
        #expect(try lookup(cache, "b", #"{"v":2}"#) == (["v": 2], true))
        #expect(cache.usage.entries == 2)
        #expect(cache.usage.bytes == 14)
    }

    @Test("a body rewritten is kept for its next read unless its parse would differ; a new one waits for a read")
    func writeThrough() throws {
        let cache = ParsedBodyCache(capacity: 4, maxBytes: 1024)
        _ = try lookup(cache, "a", "{}")
        _ = try lookup(cache, "b", "{}")
        let written: JSON = ["v": 1, "d": 1.5, "s": "x"]
        cache.remember(key: "a", text: written.serialized(), json: written)
        #expect(try lookup(cache, "a", #"{"v":1,"d":1.5,"s":"x"}"#) == (written, false))
        cache.remember(key: "new", text: written.serialized(), json: written)
        #expect(cache.usage.entries == 2)
        #expect(try lookup(cache, "new", #"{"v":1,"d":1.5,"s":"x"}"#) == (written, true))
        // .double(2) is written "2", which reads back as .int(2): a kept .double would differ from a fresh read.
        let integral: JSON = ["d": .double(2)]
        cache.remember(key: "b", text: integral.serialized(), json: integral)
        #expect(try lookup(cache, "b", #"{"d":2}"#) == (["d": 2], true))
        // Another text under the same key (a write rolled back, or a later one) misses and is parsed.
        #expect(try lookup(cache, "a", #"{"v":2}"#) == (["v": 2], true))
    }

    @Test("a version stands for one exact text: kept while the text is, never given out again")
    func versionsFollowTheText() throws {
        let cache = ParsedBodyCache(capacity: 2, maxBytes: 1024)
        func version(_ key: String, _ text: String) throws -> BodyVersion? {
            try Array(text.utf8).withUnsafeBufferPointer { buffer in
                try cache.versioned(key: key, text: buffer) { try JSONParser.parse(text) }.version
            }
        }
        let first = try #require(try version("a", "[1]"))
        #expect(try version("a", "[1]") == first)
        let changed = try #require(try version("a", "[2]"))
        #expect(changed != first)
        #expect(try version("a", "[1]") != first)  // the old text again, parsed again: a new version
        for key in ["b", "c", "d"] { _ = try version(key, "[]") }  // evicts "a"
        let again = try #require(try version("a", "[1]"))
        #expect(![first, changed].contains(again))
        cache.removeAll()
        #expect(cache.usage.entries == 0 && cache.usage.bytes == 0)
        let afterRemoveAll = try #require(try version("a", "[1]"))
        #expect(![first, changed, again].contains(afterRemoveAll))
        let tooLong = "[" + String(repeating: "1,", count: 200) + "1]"  // over maxBytes / 4: never kept
        #expect(try version("e", tooLong) == nil)
    }

    @Test("at most capacity entries; a body read again outlives one read once (CLOCK)")
    func boundedByEntries() throws {
        let cache = ParsedBodyCache(capacity: 4, maxBytes: 1024)
        for key in ["a", "b", "c", "d"] { _ = try lookup(cache, key, "[]") }
        _ = try lookup(cache, "a", "[]")
        _ = try lookup(cache, "e", "[]")
        #expect(cache.usage.entries == 4)
        #expect(try !lookup(cache, "a", "[]").parsed)
        #expect(try lookup(cache, "b", "[]").parsed)
        for n in 0..<100 { _ = try lookup(cache, "k\(n)", "[\(n)]") }
        #expect(cache.usage.entries == 4)
    }

    @Test("while there is room nothing is evicted: bodies rewritten again and again leave the others kept")
    func noChurnWithRoom() throws {
        let cache = ParsedBodyCache(capacity: 4, maxBytes: 1024)
        for key in ["a", "b", "c"] { _ = try lookup(cache, key, "[]") }
        for n in 0..<20 {
            let key = ["b", "c"][n % 2]
            let json: JSON = [.int(Int64(n))]
            cache.remember(key: key, text: json.serialized(), json: json)
            #expect(try !lookup(cache, key, "[\(n)]").parsed)
        }
        #expect(try !lookup(cache, "a", "[]").parsed)
        _ = try lookup(cache, "d", "[]")
        for key in ["a", "d"] { #expect(try !lookup(cache, key, "[]").parsed) }
        #expect(cache.usage.entries == 4)
    }

    @Test("at most maxBytes of text; a body over a quarter of it is never kept")
    func boundedByBytes() throws {
        let cache = ParsedBodyCache(capacity: 100, maxBytes: 64)
        let body = #"{"name":"0123"}"#  // 15 bytes: four fit in 64
        for n in 0..<10 { _ = try lookup(cache, "k\(n)", body) }
        #expect(cache.usage.entries == 4)
        #expect(cache.usage.bytes == 60)
        let large = #"{"name":"0123456789"}"#  // 21 bytes, over 64 / 4
        #expect(try lookup(cache, "large", large).parsed)
        #expect(try lookup(cache, "large", large).parsed)
        #expect(cache.usage.bytes <= 64)
    }

    @Test(
        "a read after a rewrite with the same timestamps sees the new body, and a delete hides it",
        arguments: StoreKind.allCases)
    func readsFollowWrites(kind: StoreKind) throws {
        try withStore(kind) { store in
            var record = Fixture.resource()
            try store.write { tx in try tx.upsert(record) }
            #expect(try store.read { tx in try tx.resource(key: record.key) } == record)
            #expect(try store.read { tx in try tx.resource(key: record.key) } == record)
            #expect(store.bodies.usage.entries == 1)
            record.body = ["name": "rpc1", "properties": ["provisioningState": "Deleting"]]
            try store.write { tx in try tx.upsert(record) }
            #expect(try store.read { tx in try tx.resource(key: record.key) } == record)
            try store.write { tx in _ = try tx.deleteResource(key: record.key) }
            #expect(try store.read { tx in try tx.resource(key: record.key) } == nil)
        }
    }

    @Test("write transactions share the cache: what a write reads, a read finds parsed", arguments: StoreKind.allCases)
    func writesShare(kind: StoreKind) throws {
        try withStore(kind) { store in
            let record = Fixture.resource()
            try store.write { tx in try tx.upsert(record) }
            #expect(try store.write { tx in try tx.resource(key: record.key) } == record)
            #expect(store.bodies.usage.entries == 1)
            #expect(try store.read { tx in try tx.resource(key: record.key) } == record)
            #expect(store.bodies.usage.entries == 1)
        }
    }

    @Test("a write that rolls back leaves no parse of its body behind for reads", arguments: StoreKind.allCases)
    func rolledBackBody(kind: StoreKind) throws {
        try withStore(kind) { store in
            let stored = Fixture.resource()
            try store.write { tx in try tx.upsert(stored) }
            struct Abort: Error {}
            #expect(throws: Abort.self) {
                try store.write { tx in
                    var changed = stored
                    changed.body = ["changed": true]
                    try tx.upsert(changed)
                    #expect(try tx.resource(key: stored.key)?.body == ["changed": true])
                    throw Abort()
                }
            }
            #expect(try store.read { tx in try tx.resource(key: stored.key) } == stored)
            #expect(try store.write { tx in try tx.resource(key: stored.key) } == stored)
        }
    }
}
