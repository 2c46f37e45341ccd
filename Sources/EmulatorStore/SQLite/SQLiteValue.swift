/// A value bound to a statement parameter: SQLite's storage classes, minus BLOB, which the store never uses.
enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    /// UTF-8 bytes bound as TEXT (a serialized JSON document) without building a String first.
    case utf8([UInt8])
    case null

    /// TEXT, or NULL for nil.
    static func text(_ value: String?) -> SQLiteValue {
        value.map(SQLiteValue.text) ?? .null
    }

    static func integer(_ value: Int) -> SQLiteValue { .integer(Int64(value)) }

    static func integer(_ value: Bool) -> SQLiteValue { .integer(value ? 1 : 0) }
}

extension SQLiteStatement {
    /// Binds `values` to parameters ?1, ?2, … in order.
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .integer(let number): try bind(number, at: index)
            case .real(let number): try bind(number, at: index)
            case .text(let string): try bind(string, at: index)
            case .utf8(let bytes): try bind(utf8: bytes, at: index)
            case .null: try bindNull(at: index)
            }
        }
    }
}
