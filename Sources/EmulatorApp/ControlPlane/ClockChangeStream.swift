import EmuCore
import EmuHTTP
import EmulatorStore
import Synchronization

/// The body of a clock move's answer, written while it is read: the clock's state, then `"changes":[…]` with
/// every state change in the moved window, in time order (CONTRACT.md §8.1).
///
/// A month over 100,000 restore points is 400,000 changes, about 170 MB of JSON (docs/performance.md): the
/// answer is read from the schedule a page at a time and each row's stored JSON text, the array of one restore
/// point's changes at one instant (`Schedule`), is copied out without its brackets, so memory stays at a page
/// whatever the window holds, and nothing is parsed or serialised again. Each page is its own read, so a restore
/// point created or deleted while the answer is being sent may or may not be in it (docs/states.md).
final class ClockChangeStream: HTTPBodyStream {
    /// Rows (instants of one restore point) read per page: about 200 KB of text.
    static let pageSize = 128

    private struct Progress {
        var head: [UInt8]?
        var position: ScheduledChange.Position?
        /// Rows copied, and the bytes of their changes (for the log).
        var rows = 0
        var bytes = 0
    }

    let app: AppContext
    let after: Timestamp
    let through: Timestamp
    private let progress: Mutex<Progress>

    /// `state` is the clock's answer without its changes; the list is appended as its last member.
    init(app: AppContext, state: JSONObject, after: Timestamp, through: Timestamp) {
        self.app = app
        self.after = after
        self.through = through
        // The serialised object without its closing brace, then the list's opening.
        var head = JSON.object(state).serialized()
        head.removeLast()
        head.append(contentsOf: #","changes":["#.utf8)
        progress = Mutex(Progress(head: head))
    }

    func next(into out: inout [UInt8], limit: Int) throws -> Bool {
        try progress.withLock { (p: inout Progress) throws -> Bool in
            if let head = p.head {
                out.append(contentsOf: head)
                p.head = nil
            }
            var read = 0
            var bytes = p.bytes
            let position = try app.db.store.read { tx throws(StoreError) in
                try tx.visitScheduledChanges(after: after, through: through, past: p.position, limit: Self.pageSize) {
                    text in
                    read += 1
                    // `[` and `]` around the changes (stored compact: no spaces); an empty array adds nothing. A
                    // row that is not an array (none `Schedule` writes) is one change.
                    let changes = text.first == UInt8(ascii: "[") ? text[1..<(text.count - 1)] : text[...]
                    guard !changes.isEmpty else { return }
                    if bytes > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: changes))
                    bytes += changes.count
                }
            }
            p.rows += read
            p.bytes = bytes
            if let position { p.position = position }
            guard read < Self.pageSize else { return true }
            out.append(contentsOf: "]}".utf8)
            app.logger.info(
                "clock: listed the changes of \(p.rows) restore point instants (\(p.bytes) bytes) from "
                    + "\(after.iso8601) to \(through.iso8601)")
            return false
        }
    }
}
