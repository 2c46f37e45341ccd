/// A response body produced piece by piece while the connection writes it, for answers too large to build in
/// memory first. The server frames it with `Transfer-Encoding: chunked` (RFC 9112 §7.1) on HTTP/1.1, and by
/// closing the connection after it on HTTP/1.0 (RFC 9112 §6.3, item 8).
///
/// `next` is called on the connection's event loop whenever unsent output falls below the connection's high-water
/// mark, so a client that reads slowly holds back production instead of making the server buffer the body.
public protocol HTTPBodyStream: Sendable {
    /// Appends the next piece of the body to `out`, about `limit` bytes (a hint: a piece may be larger or
    /// empty), and returns true while more follows; false once the body is complete, with or without a last
    /// piece. A thrown error ends the response unfinished: the connection closes without the last chunk, so the
    /// client sees a truncated body instead of a short one that looks complete.
    func next(into out: inout [UInt8], limit: Int) throws -> Bool
}
