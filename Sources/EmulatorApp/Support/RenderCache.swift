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
        let from: Timestamp
        /// Exclusive; nil when nothing changes again.
        let until: Timestamp?
        let render: Render
    }

    /// At most this many renders (about 2–6 KB each, document and bytes).
    static let capacity = 256
    private let entries = Mutex<[Key: Entry]>([:])

    /// The render kept for `key` when it was made from the body text `version` and still holds at `now`.
    func render(for key: Key, version: BodyVersion, at now: Timestamp) -> Render? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.version == version, entry.from <= now,
                entry.until.map({ now < $0 }) ?? true
            else { return nil }
            return entry.render
        }
    }

    /// Keeps `render`, made from the body text `version`, as true from `from` until `until` (exclusive; nil:
    /// for good). When full, an arbitrary other render makes room: they are cheap to make again.
    func keep(_ render: Render, for key: Key, version: BodyVersion, from: Timestamp, until: Timestamp?) {
        if let until, until <= from { return }
        entries.withLock { entries in
            if entries[key] == nil, entries.count >= Self.capacity { entries.remove(at: entries.startIndex) }
            entries[key] = Entry(version: version, from: from, until: until, render: render)
        }
    }

    /// How many renders are kept.
    var count: Int { entries.withLock { $0.count } }
}
