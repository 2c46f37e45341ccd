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
    /// Rows (instants of one restore point) read per page: about 100 KB of text.
    static let pageSize = 128

    private struct Progress {
        var head: [UInt8]?
        var position: ScheduledChange.Position?
        var listed = 0
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
            var listed = p.listed
            let position = try app.db.store.read { tx throws(StoreError) in
                try tx.visitScheduledChanges(after: after, through: through, past: p.position, limit: Self.pageSize) {
                    text in
                    read += 1
                    let count = Self.elementCount(ofArray: text)
                    guard count > 0 else { return }
                    if listed > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: text[1..<(text.count - 1)]))
                    listed += count
                }
            }
            p.listed = listed
            if let position { p.position = position }
            guard read < Self.pageSize else { return true }
            out.append(contentsOf: "]}".utf8)
            app.logger.info("clock: listed \(p.listed) changes from \(after.iso8601) to \(through.iso8601)")
            return false
        }
    }

    /// How many elements the JSON array `text` holds (0 when it is not an array): its top-level commas plus one,
    /// counted outside strings.
    static func elementCount(ofArray text: UnsafeBufferPointer<UInt8>) -> Int {
        guard text.count >= 2, text.first == UInt8(ascii: "["), text.last == UInt8(ascii: "]") else { return 0 }
        var depth = 0
        var commas = 0
        var inString = false
        var escaped = false
        var empty = true
        for byte in text[1..<(text.count - 1)] {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","): if depth == 0 { commas += 1 }
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): continue
            default: break
            }
            empty = false
        }
        return empty ? 0 : commas + 1
    }
}
