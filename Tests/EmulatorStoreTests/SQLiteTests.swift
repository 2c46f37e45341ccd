import Testing

@testable import EmulatorStore

@Suite("SQLite wrapper")
struct SQLiteTests {
    private func memory() throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: ":memory:", flags: .writer)
        try Schema.migrate(connection)
        return connection
    }

    @Test("statements are prepared once per connection and SQL")
    func statementCache() throws {
        let connection = try memory()
        let first = try connection.statement("SELECT value FROM meta WHERE key = ?1")
        let again = try connection.statement("SELECT value FROM meta WHERE key = ?1")
        #expect(first === again)
        #expect(try connection.statement("SELECT 1") !== first)
    }

    @Test("a duplicate primary key reports the extended code, the message and the SQL")
    func constraintError() throws {
        let connection = try memory()
        let insert = "INSERT INTO meta (key, value) VALUES ('k', 'v')"
        try connection.run(insert)
        let error = #expect(throws: SQLiteError.self) { try connection.run(insert) }
        #expect(error?.primaryCode == 19)  // SQLITE_CONSTRAINT
        #expect(error?.extendedCode == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(error?.isConstraintViolation == true)
        #expect(error?.message.contains("meta.key") == true)
        #expect(error?.sql == insert)
        #expect(error?.description.contains(insert) == true)
    }

    @Test("a syntax error is SQLITE_ERROR with SQLite's message")
    func syntaxError() throws {
        let connection = try memory()
        let error = #expect(throws: SQLiteError.self) { try connection.statement("SELEC 1") }
        #expect(error?.extendedCode == 1)
        #expect(error?.message.contains("syntax error") == true)
    }

    @Test("opening a missing file read-only fails with SQLITE_CANTOPEN")
    func cantOpen() {
        let error = #expect(throws: SQLiteError.self) {
            try SQLiteConnection(path: "/nonexistent/rpemu/none.sqlite", flags: .reader)
        }
        #expect(error?.primaryCode == 14)
    }

    @Test("an empty string binds as text, nil as NULL; values read back by type")
    func binding() throws {
        let connection = try memory()
        let statement = try connection.statement("SELECT ?1, ?1 IS NULL, ?2, ?3, ?4, ?5 IS NULL")
        defer { statement.reset() }
        try statement.bind("", at: 1)
        try statement.bind(Int64.min, at: 2)
        try statement.bind(0.1, at: 3)
        try statement.bind("naïve 🦄", at: 4)
        try statement.bind(String?.none, at: 5)
        #expect(try statement.step())
        #expect(statement.optionalText(at: 0) == "")
        #expect(!statement.bool(at: 1))
        #expect(statement.int64(at: 2) == .min)
        #expect(statement.double(at: 3) == 0.1)
        #expect(statement.text(at: 4) == "naïve 🦄")
        #expect(statement.bool(at: 5))
        #expect(try !statement.step())
    }

    @Test("STRICT tables reject a value of the wrong type")
    func strictTables() throws {
        let connection = try memory()
        let error = #expect(throws: SQLiteError.self) {
            try connection.execute("INSERT INTO clock VALUES (1, 'soon', 0, 1.0, 0)")
        }
        #expect(error?.isConstraintViolation == true)
    }

    /// The listing, counting and subtree queries must be served by an index, never a table scan.
    @Test(
        "queries use their indexes",
        arguments: [
            // The partial indexes serve every type but restore points, whose reads go by ranges of the primary key.
            (ResourceRecord.selectByParent, "USING INDEX resources_by_parent (parent_key=? AND type=? AND key>?)"),
            (
                ResourceRecord.selectBySubscription,
                "USING INDEX resources_by_subscription (subscription=? AND type=? AND key>?)"
            ),
            (ResourceRecord.countByType, "USING COVERING INDEX resources_by_subscription (subscription=? AND type=?)"),
            (
                ResourceRecord.countByTypeInLocation,
                "USING COVERING INDEX resources_by_subscription (subscription=? AND type=?)"
            ),
            (ResourceRecord.selectRestorePointsByParent, "USING INDEX sqlite_autoindex_resources_1 (key>? AND key<?)"),
            (
                ResourceRecord.selectRestorePointsBySubscription,
                "USING INDEX sqlite_autoindex_resources_1 (key>? AND key<?)"
            ),
            (ResourceRecord.countRestorePoints, "USING INDEX sqlite_autoindex_resources_1 (key>? AND key<?)"),
            (ResourceRecord.countRestorePointsInLocation, "USING INDEX sqlite_autoindex_resources_1 (key>? AND key<?)"),
            (ResourceRecord.selectRange, "USING INDEX sqlite_autoindex_resources_1 (key>? AND key<?)"),
            (ResourceRecord.deleteRange, "USING INDEX sqlite_autoindex_resources_1 (key>? AND key<?)"),
            (OperationRecord.deleteBySubscription, "USING INDEX operations_by_subscription"),
            (
                RestorePointIndexRecord.countCreatingByVM,
                "USING COVERING INDEX restore_points_by_vm (vm_key=? AND creation_end>?)"
            ),
            (RestorePointIndexRecord.countByVM, "USING COVERING INDEX restore_points_by_vm (vm_key=?)"),
            (
                RestorePointIndexRecord.countCreatingInstantAccess,
                "USING COVERING INDEX restore_points_creating_ia (subscription=? AND location=? AND creation_end>?)"
            ),
            (RestorePointIndexRecord.deleteRange, "USING INDEX sqlite_autoindex_restore_points_1 (key>? AND key<?)"),
            (ScheduledChange.selectWindow, "USING INDEX state_changes_by_time (at>? AND at<?)"),
            (ScheduledChange.selectWindowPast, "USING INDEX state_changes_by_time ((at,seq)>(?,?) AND at<?)"),
            // The insert's subquery (the instant's next seq): a lookup in the index by time, not a scan.
            (ScheduledChange.insert, "SEARCH state_changes USING COVERING INDEX state_changes_by_time (at=?)"),
            // A restore point's changes: its index row's id by key, then a range of the index by restore point.
            (ScheduledChange.insert, "SEARCH restore_points USING COVERING INDEX sqlite_autoindex_restore_points_1"),
            (ScheduledChange.selectByResource, "USING INDEX state_changes_by_restore_point (restore_point=?)"),
            (ScheduledChange.deleteByResource, "USING INDEX state_changes_by_restore_point (restore_point=?)"),
            (ScheduledChange.deleteRange, "USING INDEX state_changes_by_restore_point (restore_point=?)"),
            (ScheduledChange.deleteRange, "USING COVERING INDEX sqlite_autoindex_restore_points_1 (key>? AND key<?)"),
        ])
    func queryPlans(sql: String, expected: String) throws {
        let details = try plan(of: sql)
        #expect(details.contains { $0.contains(expected) }, "plan: \(details)")
        let tableScans = details.filter { $0.hasPrefix("SCAN") && !$0.contains("INDEX") }
        #expect(tableScans.isEmpty, "plan: \(details)")
        #expect(!details.contains { $0.contains("TEMP B-TREE") }, "plan: \(details)")
    }

    /// sqlite.org/partialindex.html: a query uses a partial index only when its WHERE implies the index's, so the
    /// term the queries carry must be the indexes' WHERE.
    @Test("the partial indexes' WHERE is the term the queries carry", arguments: ["parent", "subscription"])
    func partialIndexTerm(by: String) throws {
        let connection = try memory()
        let statement = try connection.statement("SELECT sql FROM sqlite_master WHERE name = ?1")
        defer { statement.reset() }
        try statement.bind("resources_by_" + by, at: 1)
        #expect(try statement.step())
        #expect(statement.text(at: 0).hasSuffix("WHERE \(ResourceRecord.notRestorePoint)"))
        #expect(ResourceRecord.notRestorePoint == "type <> '\(Fixture.restorePointType)'")
    }

    /// The details of `EXPLAIN QUERY PLAN` for `sql` on a fresh schema.
    private func plan(of sql: String) throws -> [String] {
        let connection = try memory()
        let plan = try connection.statement("EXPLAIN QUERY PLAN " + sql)
        defer { plan.reset() }
        var details: [String] = []
        while try plan.step() { details.append(plan.text(at: 3)) }
        return details
    }
}
