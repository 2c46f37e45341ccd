/// One step of the schema: `apply` runs inside the migrating transaction, which then sets `user_version`.
struct Migration: Sendable {
    /// The `user_version` the file has once this step is applied.
    let version: Int
    let apply: @Sendable (SQLiteConnection) throws(SQLiteError) -> Void

    init(version: Int, apply: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> Void) {
        self.version = version
        self.apply = apply
    }

    /// A step that is plain SQL.
    init(version: Int, sql: String) {
        self.init(version: version) { (connection) throws(SQLiteError) in try connection.execute(sql) }
    }
}
