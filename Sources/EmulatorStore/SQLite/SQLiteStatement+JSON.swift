import EmuCore

extension SQLiteStatement {
    /// The column parsed as JSON; nil for NULL.
    func json(at column: Int32) throws(StoreError) -> JSON? {
        guard let text = utf8Text(at: column) else { return nil }
        return try parse(text, column: column)
    }

    /// The column parsed as JSON, or the parse `cache` kept of the same text stored under `key`, with the cache
    /// entry's version (nil when the cache does not keep it); nil for NULL.
    func json(at column: Int32, key: String, cache: ParsedBodyCache) throws(StoreError) -> (
        json: JSON, version: BodyVersion?
    )? {
        guard let text = utf8Text(at: column) else { return nil }
        return try cache.versioned(key: key, text: text) { () throws(StoreError) -> JSON in
            try parse(text, column: column)
        }
    }

    private func parse(_ text: UnsafeBufferPointer<UInt8>, column: Int32) throws(StoreError) -> JSON {
        do throws(JSONParseError) {
            return try JSONParser.parse(Array(text))
        } catch {
            throw .corrupt("column \(column) of \(sql): \(error)")
        }
    }
}
