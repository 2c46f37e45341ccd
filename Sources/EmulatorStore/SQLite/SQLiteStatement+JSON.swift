import EmuCore

extension SQLiteStatement {
    /// The column parsed as JSON; nil for NULL.
    func json(at column: Int32) throws(StoreError) -> JSON? {
        guard let bytes = utf8(at: column) else { return nil }
        do throws(JSONParseError) {
            return try JSONParser.parse(bytes)
        } catch {
            throw .corrupt("column \(column) of \(sql): \(error)")
        }
    }
}
