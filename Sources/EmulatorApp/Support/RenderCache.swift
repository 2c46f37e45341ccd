import EmuCore
import EmulatorStore
import Synchronization

/// Restore point documents as rendered at one instant, kept while they stay true, so that repeated reads of a
/// restore point skip the render and its serialization (docs/performance.md: the render and serialization were
/// a quarter of a restore point GET, and pollers read the same restore point over and over).
///
/// A kept render is reused only when nothing it was computed from can differ: the same id spelling, the same served
/// api-version and `$expand`, the same stored body text (`BodyVersion`), and an emulated now inside the interval
/// the render holds for, from the instant it was made until the restore point's next state change
/// (`RestorePointTimeline.nextChange(after:)`, or the end of a delete). So a write, a delete or a clock move needs
/// no notice: the next read misses and renders anew.
///
/// A render is also tagged with the store's `generation` read before the transaction that read its body. While the
/// store still reports that generation, no write has started since, so the body is unchanged without reading it:
/// `render(for:generation:at:)` answers before any transaction. That skips the reader connection, the transaction
/// and the body's read and comparison, 20–25 % of a restore point GET (docs/performance.md). Any write moves the
/// generation; reads after it check the body text again (`render(for:version:at:retagging:)`), which re-tags a
/// render that is still true.
final class RenderCache: Sendable {
    struct Key: Hashable {
        let id: String
        let apiVersion: String
        let expand: Bool
    }

    /// A document and its exact serialization.
    struct Render {
        let doc: JSON
        let bytes: [UInt8]
    }

    private struct Entry {
        let version: BodyVersion
        /// The store's generation the body was known at, or nil.
        var generation: UInt64?
        let from: Timestamp
        /// Exclusive; nil when nothing changes again.
        let until: Timestamp?
        let render: Render

        func holds(at now: Timestamp) -> Bool { from <= now && until.map({ now < $0 }) ?? true }
    }

    /// At most this many renders (about 2–6 KB each, document and bytes).
    static let capacity = 256
    private let entries = Mutex<[Key: Entry]>([:])

    /// The render kept for `key` when the store is still at the `generation` its body was known at, and the render
    /// still holds at `now`.
    func render(for key: Key, generation: UInt64, at now: Timestamp) -> Render? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.generation == generation, entry.holds(at: now) else { return nil }
            return entry.render
        }
    }

    /// The render kept for `key` when it was made from the body text `version` and still holds at `now`; it is
    /// tagged with `generation` (read before the transaction that read `version`) for the reads after.
    func render(for key: Key, version: BodyVersion, at now: Timestamp, retagging generation: UInt64?) -> Render? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.version == version, entry.holds(at: now) else { return nil }
            if entry.generation != generation { entries[key]?.generation = generation }
            return entry.render
        }
    }

    /// Keeps `render`, made from the body text `version` known at the store's `generation`, as true from `from`
    /// until `until` (exclusive; nil: for good). When full, an arbitrary other render makes room: they are cheap
    /// to make again.
    func keep(
        _ render: Render, for key: Key, version: BodyVersion, generation: UInt64?, from: Timestamp, until: Timestamp?
    ) {
        if let until, until <= from { return }
        entries.withLock { entries in
            if entries[key] == nil, entries.count >= Self.capacity { entries.remove(at: entries.startIndex) }
            entries[key] = Entry(version: version, generation: generation, from: from, until: until, render: render)
        }
    }

    /// How many renders are kept.
    var count: Int { entries.withLock { $0.count } }
}
