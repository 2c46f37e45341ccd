import EmuCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parsed JSON of recently read resource bodies, so that a read of an unchanged body skips the parse.
///
/// An entry is keyed by the resource key and holds the exact stored text it was parsed from; a lookup hits only
/// when the text the row holds now is byte for byte that text. A write, a delete, a clock move or another process
/// therefore never needs to tell the cache anything: a changed body misses and replaces its entry, a deleted
/// one is never looked up. The profile that motivated it: parsing the three stored bodies a restore point GET
/// reads (resource group, collection, restore point) was 15 % of the server's samples (docs/performance.md).
///
/// Bounded by `capacity` entries and `maxBytes` of stored text; eviction is CLOCK (second chance), so the bodies
/// read over and over stay while a scan of many bodies passes through.
public final class ParsedBodyCache: Sendable {
    private struct Entry {
        let key: String
        let text: [UInt8]
        let json: JSON
        let version: BodyVersion
        var referenced: Bool
    }

    private struct State {
        var slots: [Entry?]
        /// The empty slots; the last one freed is taken first.
        var free: [Int]
        var index: [String: Int] = [:]
        var hand = 0
        var bytes = 0
        var lastVersion: UInt64 = 0

        init(capacity: Int) {
            slots = Array(repeating: nil, count: capacity)
            free = Array((0..<capacity).reversed())
        }

        /// An empty slot, evicting an entry only when there is none. Evicting whenever the hand met an unreferenced
        /// entry first, as this did before, kept a full set of hot bodies churning in a cache with room for them
        /// all: each rewritten body left a hole and evicted another (docs/performance.md).
        mutating func freeSlot() -> Int {
            if free.isEmpty { evict() }
            return free.removeLast()
        }

        /// Removes the first unreferenced entry under the hand; referenced entries passed over lose their mark
        /// (CLOCK, second chance). There must be an entry.
        mutating func evict() {
            while true {
                let i = hand
                hand = (hand + 1) % slots.count
                guard let entry = slots[i] else { continue }
                if entry.referenced {
                    slots[i]?.referenced = false
                } else {
                    remove(at: i)
                    return
                }
            }
        }

        mutating func remove(at i: Int) {
            guard let entry = slots[i] else { return }
            index[entry.key] = nil
            bytes -= entry.text.count
            slots[i] = nil
            free.append(i)
        }
    }

    /// At most this many entries.
    public let capacity: Int
    /// At most this many bytes of stored text; a body longer than a quarter of it is never kept.
    public let maxBytes: Int
    private let state: Mutex<State>

    /// The defaults hold what a stream of restore point creates reads over and over (docs/performance.md): per
    /// VM its collection, the VM and its disks, for the benchmark's 250 VMs about 1,000 bodies and 1.2 MB of text.
    /// The store empties the cache when the emulator goes idle (`EmulatorStore.releaseIdleMemory`).
    public init(capacity: Int = 1024, maxBytes: Int = 2 << 20) {
        precondition(capacity > 0 && maxBytes > 0, "a cache needs room")
        self.capacity = capacity
        self.maxBytes = maxBytes
        state = Mutex(State(capacity: capacity))
    }

    /// The JSON of `text`, the body stored under `key`: the cached value when `text` is what it was parsed from,
    /// else `parse()`'s, which is then kept; with the version of the entry that holds it (nil when the text is too
    /// long to keep).
    func versioned<Failure: Error>(
        key: String, text: UnsafeBufferPointer<UInt8>, parse: () throws(Failure) -> JSON
    ) throws(Failure) -> (json: JSON, version: BodyVersion?) {
        let cached = state.withLock { state -> (JSON, BodyVersion)? in
            guard let i = state.index[key], let entry = state.slots[i],
                entry.text.withUnsafeBufferPointer({ Self.equal($0, text) })
            else { return nil }
            state.slots[i]?.referenced = true
            return (entry.json, entry.version)
        }
        if let cached { return cached }
        let json = try parse()
        guard text.count <= maxBytes / 4 else { return (json, nil) }
        return (json, keep(key: key, text: Array(text), json: json))
    }

    /// Keeps `json` as the parse of `text`, a body just written under `key` whose previous text is kept, so that
    /// the next read of it skips the parse (a restore point create reads each source disk the one before it
    /// rewrote). A new body, or one not read lately, waits for its first read: a stream of creates would otherwise
    /// push out the bodies each of them reads. Only when the parse of `text` would give `json` back exactly
    /// (`JSON.roundTripsExactly`); a write that is then rolled back leaves an entry no stored text matches, like
    /// any other replaced body.
    func remember(key: String, text: [UInt8], json: JSON) {
        guard text.count <= maxBytes / 4, state.withLock({ $0.index[key] != nil }), json.roundTripsExactly
        else { return }
        keep(key: key, text: text, json: json)
    }

    /// Stores an entry for `key`, replacing the one it had; returns its new version.
    @discardableResult
    private func keep(key: String, text: [UInt8], json: JSON) -> BodyVersion {
        state.withLock { state in
            if let i = state.index[key] { state.remove(at: i) }  // its slot is the first free one now
            while state.bytes + text.count > maxBytes { state.evict() }
            let slot = state.freeSlot()
            state.lastVersion += 1
            let version = BodyVersion(value: state.lastVersion)
            state.slots[slot] = Entry(key: key, text: text, json: json, version: version, referenced: false)
            state.index[key] = slot
            state.bytes += text.count
            return version
        }
    }

    /// Forgets every entry. Versions already given out are never given out again.
    func removeAll() {
        state.withLock { state in
            let lastVersion = state.lastVersion
            state = State(capacity: capacity)
            state.lastVersion = lastVersion
        }
    }

    /// How many bodies and how many bytes of text are kept.
    public var usage: (entries: Int, bytes: Int) { state.withLock { ($0.index.count, $0.bytes) } }

    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }
}

/// One exact stored text of a resource body, as the parsed body cache holds it: two reads with the same version read
/// byte-identical text, so whatever is computed from a body alone can be kept under its version. A version is
/// never given out twice by one cache (a changed text, or the same text parsed again after eviction, gets a new
/// one), and versions of different stores are never compared (each process has one store).
public struct BodyVersion: Hashable, Sendable {
    let value: UInt64
}
