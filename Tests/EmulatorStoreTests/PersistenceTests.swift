import EmuCore
import Foundation
import RestorePointEngine
import Testing

@testable import EmulatorStore

@Suite("Files, restarts and migrations")
struct PersistenceTests {
    private func databasePath(_ directory: TemporaryDirectory) -> String {
        directory.path + "/" + StoreLocation.fileName
    }

    /// `PRAGMA name` read on a fresh connection to the file.
    private func pragma(_ name: String, at path: String) throws -> String? {
        let connection = try SQLiteConnection(path: path, flags: .reader)
        defer { connection.close() }
        return try connection.pragma(name)
    }

    @Test("everything written is there after the store is closed and reopened")
    func reopen() throws {
        let directory = try TemporaryDirectory()
        let clock = EmulatedClock(
            anchor: Timestamp(ticks: 42), realAnchor: Timestamp(ticks: 41), scale: 3, frozen: true)
        let resource = Fixture.resource(body: Fixture.unicodeBody)
        let operation = Fixture.operation(error: ["code": "x"])
        let subscription = Fixture.subscriptionRecord()
        do {
            let store = try EmulatorStore(location: .file(directory: directory.path))
            #expect(store.path == databasePath(directory))
            try store.write { tx in
                try tx.upsert(resource)
                try tx.insert(operation)
                try tx.upsert(subscription)
                try tx.save(clock: clock)
                try tx.setMeta("seed", "done")
            }
            store.close()
        }
        #expect(try pragma("journal_mode", at: databasePath(directory)) == "wal")
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        try store.read { (tx) throws(StoreError) in
            #expect(try tx.resource(key: resource.key) == resource)
            #expect(try tx.operation(id: operation.id) == operation)
            #expect(try tx.subscriptions() == [subscription])
            #expect(try tx.clock() == clock)
            #expect(try tx.meta("seed") == "done")
        }
    }

    @Test(
        "releasing idle memory closes the idle readers, empties the parsed bodies and loses nothing",
        arguments: StoreKind.allCases)
    func releaseIdleMemory(kind: StoreKind) throws {
        try withStore(kind) { store in
            let record = Fixture.resource()
            try store.write { tx in try tx.upsert(record) }
            for _ in 0..<3 { #expect(try store.read { tx in try tx.resource(key: record.key) } == record) }
            #expect(store.idleReaders == (kind == .file ? 1 : 0))
            #expect(store.bodies.usage.entries == 1)
            store.releaseIdleMemory()
            #expect(store.idleReaders == 0)
            #expect(store.bodies.usage.entries == 0)
            #expect(try store.read { tx in try tx.resource(key: record.key) } == record)
            try store.write { tx in try tx.upsert(Fixture.resource(name: "rpc2")) }
            #expect(try store.read { tx in try tx.resource(key: Fixture.resource(name: "rpc2").key) } != nil)
        }
    }

    @Test("a store dropped without close() keeps its commits")
    func dropWithoutClose() throws {
        let directory = try TemporaryDirectory()
        try {
            let store = try EmulatorStore(location: .file(directory: directory.path), synchronous: .full)
            try store.write { tx in try tx.setMeta("k", "v") }
        }()
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        #expect(try store.read { tx in try tx.meta("k") } == "v")
    }

    @Test("the synchronous mode reaches the writer", arguments: [(SynchronousMode.normal, "1"), (.full, "2")])
    func synchronousMode(mode: SynchronousMode, expected: String) throws {
        let directory = try TemporaryDirectory()
        let store = try EmulatorStore(location: .file(directory: directory.path), synchronous: mode)
        defer { store.close() }
        #expect(try store.write { tx in try tx.connection.pragma("synchronous") } == expected)
    }

    @Test("two stores on one file see each other's commits")
    func twoStoresOneFile() throws {
        let directory = try TemporaryDirectory()
        let first = try EmulatorStore(location: .file(directory: directory.path))
        let second = try EmulatorStore(location: .file(directory: directory.path))
        defer {
            first.close()
            second.close()
        }
        try first.write { tx in try tx.setMeta("from", "first") }
        #expect(try second.read { tx in try tx.meta("from") } == "first")
    }

    @Test("the WAL index lives in this process's memory, not in a -shm file beside the WAL (EmulatorStore.fileVFS)")
    func walIndexInMemory() throws {
        let directory = try TemporaryDirectory()
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        try store.write { tx in try tx.setMeta("k", "v") }
        #expect(try store.read { tx in try tx.meta("k") } == "v")
        let path = databasePath(directory)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    }

    @Test("missing parent directories are created; a file in the way is an I/O error")
    func dataDirectory() throws {
        let directory = try TemporaryDirectory()
        let nested = directory.path + "/a/b/c/"
        let store = try EmulatorStore(location: .file(directory: nested))
        #expect(store.path == nested + StoreLocation.fileName)
        store.close()

        let blocker = directory.path + "/file"
        _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
        #expect {
            _ = try EmulatorStore(location: .file(directory: blocker + "/sub"))
        } throws: { error in
            guard case .io = error as? StoreError else { return false }
            return true
        }
    }

    @Test("a file at every earlier schema version migrates", arguments: 0..<EmulatorStore.schemaVersion)
    func migratesFromEarlierVersion(version: Int) throws {
        let directory = try TemporaryDirectory()
        let path = databasePath(directory)
        try writeFile(at: path, version: version) { (connection) throws in
            #expect(try connection.userVersion() == version)
        }
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        #expect(try store.read { tx in try tx.connection.userVersion() } == EmulatorStore.schemaVersion)
        try store.write { tx in
            try tx.upsert(Fixture.resource())
            try tx.insert(Fixture.operation())
        }
        #expect(try store.read { tx in try tx.resource(key: Fixture.resource().key) } == Fixture.resource())
    }

    /// A file at `path` left at schema `version`, with `fill` run on it: the rows a build of that version wrote.
    private func writeFile(at path: String, version: Int, _ fill: (SQLiteConnection) throws -> Void) throws {
        let connection = try SQLiteConnection(path: path, flags: .writer)
        defer { connection.close() }
        try Schema.migrate(connection, upTo: version)
        try fill(connection)
    }

    /// Writes a version 1 file through v1's own tables, as a build of that version would have.
    private func writeVersion1(at path: String, restorePoints: Bool) throws {
        try writeFile(at: path, version: 1) { connection in
            let write = WriteTransaction(connection: connection)
            defer { write.invalidate() }
            let rpc = Fixture.resource()
            try connection.inTransaction(.immediate, mapError: StoreError.sqlite) { () throws(StoreError) in
                try write.upsert(rpc)
                if restorePoints {
                    try write.upsert(
                        Fixture.resource(
                            name: "rp1", type: Fixture.restorePointType, parentKey: rpc.key,
                            body: Fixture.unicodeBody))
                }
                try write.insert(Fixture.operation())
                try write.upsert(Fixture.subscriptionRecord())
                try write.save(
                    clock: EmulatedClock(
                        anchor: .init(ticks: 5), realAnchor: .init(ticks: 6), scale: 2, frozen: false))
                try write.setMeta("seed", "done")
            }
            #expect(try connection.userVersion() == 1)
        }
    }

    @Test("a version 1 file with data migrates to the current version and keeps everything", arguments: [true, false])
    func migratesVersion1WithData(restorePoints: Bool) throws {
        let directory = try TemporaryDirectory()
        try writeVersion1(at: databasePath(directory), restorePoints: restorePoints)
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        let rpc = Fixture.resource()
        let rp = Fixture.resource(
            name: "rp1", type: Fixture.restorePointType, parentKey: rpc.key, body: Fixture.unicodeBody)
        #expect(try store.read { tx in try tx.connection.userVersion() } == EmulatorStore.schemaVersion)
        try store.read { (tx) throws(StoreError) in
            #expect(try tx.resource(key: rpc.key) == rpc)
            #expect(try tx.resource(key: rp.key) == (restorePoints ? rp : nil))
            #expect(try tx.operation(id: Fixture.operation().id) == Fixture.operation())
            #expect(try tx.subscriptions() == [Fixture.subscriptionRecord()])
            #expect(try tx.clock()?.scale == 2)
            #expect(try tx.meta("seed") == "done")
            // The new tables start empty; a file with restore points asks for them to be rebuilt.
            #expect(try tx.restorePointIndex(key: rp.key) == nil)
            #expect(try tx.scheduledChanges(resourceKey: rp.key) == [])
            let flag = try tx.meta(EmulatorStore.rebuildRestorePointIndexMetaKey)
            #expect((flag != nil) == restorePoints)
        }
        // The migrated file takes the new rows, and its old rows go with their subtree.
        try store.write { tx in
            try tx.upsert(Fixture.indexRecord("rp1", creationEnd: 10))
            try tx.insert([Fixture.change(rp.key, at: 10)])
            try tx.setMeta(EmulatorStore.rebuildRestorePointIndexMetaKey, nil)
        }
        #expect(try store.read { tx in try tx.countRestorePoints(vmKey: Fixture.vmKey()) } == 1)
        #expect(try store.write { tx in try tx.deleteTree(key: rpc.key) } == (restorePoints ? 2 : 1))
        try store.read { (tx) throws(StoreError) in
            #expect(try tx.countRestorePoints(vmKey: Fixture.vmKey()) == 0)
            #expect(try tx.scheduledChanges(resourceKey: rp.key) == [])
        }
    }

    @Test("a version 2 schedule moves to version 3's time-keyed table whole, and deletes still find it")
    func migratesVersion2Schedule() throws {
        let directory = try TemporaryDirectory()
        let path = databasePath(directory)
        let first = Fixture.restorePointKey("rp1")
        let second = Fixture.restorePointKey("rp2")
        try writeFile(at: path, version: 2) { connection in
            // Version 2's own columns, in its order (resource_key, at, seq, body), as a build of it wrote them.
            try connection.execute(
                """
                INSERT INTO state_changes (resource_key, at, seq, body) VALUES
                    ('\(second)', 20, 0, '{"to":"s20"}'), ('\(first)', 20, 1, '{"to":"f20.1"}'),
                    ('\(first)', 10, 0, '{"to":"f10"}'), ('\(first)', 20, 0, '{"to":"f20.0"}')
                """)
            try insertIndexRows(connection, [first, second])
        }
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        // One row per restore point and instant, its changes in version 2's seq order; rows at an instant in key order.
        let window = try store.read { tx in try tx.windowChanges(after: 0, through: 100) }
        #expect(window.flatMap { Self.targets($0.body) } == ["f10", "f20.0", "f20.1", "s20"])
        #expect(window.map(\.position.seq) == [0, 0, 1])
        try store.read { (tx) throws(StoreError) in
            let own = try tx.scheduledChanges(resourceKey: first)
            #expect(own.flatMap { Self.targets($0.body) } == ["f10", "f20.0", "f20.1"])
            #expect(own.map(\.at.ticks) == [10, 20])
            #expect(try tx.scheduledChanges(resourceKey: second).flatMap { Self.targets($0.body) } == ["s20"])
        }
        #expect(try store.write { tx in try tx.deleteTree(key: first) } == 0)  // no resource rows, only its schedule
        let left = try store.read { tx in try tx.windowChanges(after: 0, through: 100) }
        #expect(left.flatMap { Self.targets($0.body) } == ["s20"])
    }

    @Test("a version 3 schedule moves to version 4 grouped by key and instant, in its order, before new changes")
    func migratesVersion3Schedule() throws {
        let directory = try TemporaryDirectory()
        let path = databasePath(directory)
        let first = Fixture.restorePointKey("rp1")
        let second = Fixture.restorePointKey("rp2")
        try writeFile(at: path, version: 3) { connection in
            // Version 3's columns (at, resource_key, seq, body): one instant shared by two keys, seqs per key.
            try connection.execute(
                """
                INSERT INTO state_changes (at, resource_key, seq, body) VALUES
                    (20, '\(second)', 0, '{"to":"s20.0"}'), (20, '\(first)', 3, '{"to":"f20.3"}'),
                    (10, '\(second)', 5, '{"to":"s10"}'), (20, '\(first)', 1, '{"to":"f20.1"}'),
                    (20, '\(second)', 2, '{"to":"s20.2"}'), (30, '\(first)', 0, '{"to":"f30"}')
                """)
            try insertIndexRows(connection, [first, second])
        }
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        #expect(try store.read { tx in try tx.connection.userVersion() } == EmulatorStore.schemaVersion)
        // One row per key and instant, an array of its changes in version 3's seq order; at each instant the rows
        // in key order, numbered from 0.
        let window = try store.read { tx in try tx.windowChanges(after: 0, through: 100) }
        #expect(window.map { Self.targets($0.body) } == [["s10"], ["f20.1", "f20.3"], ["s20.0", "s20.2"], ["f30"]])
        let positions = [(10, 0), (20, 0), (20, 1), (30, 0)].map {
            ScheduledChange.Position(at: Timestamp(ticks: $0), seq: $1)
        }
        #expect(window.map(\.position) == positions)
        try store.write { tx in try tx.insert([Fixture.change(first, at: 20, to: "f20.new")]) }
        try store.read { (tx) throws(StoreError) in
            let instant = try tx.windowChanges(after: 10, through: 20)
            #expect(instant.flatMap { Self.targets($0.body) } == ["f20.1", "f20.3", "s20.0", "s20.2", "f20.new"])
            #expect(instant.last?.position.seq == 2)
            let own = try tx.scheduledChanges(resourceKey: first)
            #expect(own.flatMap { Self.targets($0.body) } == ["f20.1", "f20.3", "f20.new", "f30"])
            #expect(own.allSatisfy { $0.resourceKey == first })
        }
        #expect(try store.write { tx in try tx.deleteTree(key: first) } == 0)
        let left = try store.read { tx in try tx.windowChanges(after: 0, through: 100) }
        #expect(left.flatMap { Self.targets($0.body) } == ["s10", "s20.0", "s20.2"])
    }

    /// Index rows for `keys` in a file at version 2 to 6 (from version 7 a change is kept only under one).
    private func insertIndexRows(_ connection: SQLiteConnection, _ keys: [String]) throws {
        for key in keys {
            try connection.execute(
                """
                INSERT INTO restore_points (key, vm_key, subscription, location, instant_access, creation_end)
                VALUES ('\(key)', '\(Fixture.vmKey())', '\(Fixture.subscription)', 'eastus', 0, 100)
                """)
        }
    }

    @Test("a version 6 schedule moves under its restore points' rows (version 7) whole; a change without one goes")
    func migratesVersion6Schedule() throws {
        let directory = try TemporaryDirectory()
        let path = databasePath(directory)
        let first = Fixture.restorePointKey("rp1")
        let second = Fixture.restorePointKey("rp2")
        let orphan = Fixture.restorePointKey("gone")
        try writeFile(at: path, version: 6) { connection in
            // Rows of `second` before `first`'s, so the ids are not in key order.
            try insertIndexRows(connection, [second, first])
            try connection.execute(
                """
                INSERT INTO state_changes (at, seq, resource_key, body) VALUES
                    (20, 0, '\(second)', '[{"to":"s20"}]'), (10, 0, '\(first)', '[{"to":"f10"}]'),
                    (20, 1, '\(orphan)', '[{"to":"o20"}]'), (20, 2, '\(first)', '[{"to":"f20"}]'),
                    (30, 0, '\(first)', '[{"to":"f30"}]')
                """)
        }
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        let window = try store.read { tx in try tx.windowChanges(after: 0, through: 100) }
        #expect(window.flatMap { Self.targets($0.body) } == ["f10", "s20", "f20", "f30"])
        #expect(window.map { "\($0.position.at.ticks).\($0.position.seq)" } == ["10.0", "20.0", "20.2", "30.0"])
        try store.read { (tx) throws(StoreError) in
            let own = try tx.scheduledChanges(resourceKey: first)
            #expect(own.flatMap { Self.targets($0.body) } == ["f10", "f20", "f30"])
            #expect(own.allSatisfy { $0.resourceKey == first })
            #expect(try tx.scheduledChanges(resourceKey: second).flatMap { Self.targets($0.body) } == ["s20"])
            #expect(try tx.scheduledChanges(resourceKey: orphan) == [])
        }
        // New changes go after those at their instant, and a restore point's changes go with its row.
        try store.write { tx in try tx.insert([Fixture.change(second, at: 20, to: "s20.new")]) }
        #expect(try store.read { tx in try tx.windowChanges(after: 10, through: 20) }.last?.position.seq == 3)
        #expect(try store.write { tx in try tx.deleteRestorePointIndex(key: first) })
        let left = try store.read { tx in try tx.windowChanges(after: 0, through: 100) }
        #expect(left.flatMap { Self.targets($0.body) } == ["s20", "s20.new"])
    }

    /// The `to` of a stored body: each element's for an array (a migrated row), the body's own otherwise.
    static func targets(_ body: JSON) -> [String] {
        (body.arrayValue ?? [body]).map { $0["to"]?.stringValue ?? "?" }
    }

    @Test("a version 4 file migrates to version 5: restore points leave both indexes, and every read answers the same")
    func migratesVersion4Indexes() throws {
        let directory = try TemporaryDirectory()
        let path = databasePath(directory)
        let others = RoutedReads.rows.filter { $0.type != Fixture.restorePointType }.count
        try writeFile(at: path, version: 4) { connection in
            let write = WriteTransaction(connection: connection)
            defer { write.invalidate() }
            try connection.inTransaction(.immediate, mapError: StoreError.sqlite) { () throws(StoreError) in
                for row in RoutedReads.rows { try write.upsert(row) }
            }
            #expect(try indexEntries(connection) == [RoutedReads.rows.count, RoutedReads.rows.count])
            try RoutedReads.expectAnswers(write)
        }
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        #expect(try store.read { tx in try tx.connection.userVersion() } == EmulatorStore.schemaVersion)
        try store.read { (tx) throws(StoreError) in try RoutedReads.expectAnswers(tx) }
        let connection = try SQLiteConnection(path: path, flags: .reader)
        defer { connection.close() }
        #expect(try indexEntries(connection) == [others, others])
        #expect(try connection.pragma("integrity_check") == "ok")
    }

    /// The entries of `resources_by_parent` and `resources_by_subscription`, counted in their b-trees: every cell
    /// of an index b-tree, interior or leaf, is one entry (sqlite.org/dbstat.html, sqlite.org/fileformat2.html).
    private func indexEntries(_ connection: SQLiteConnection) throws -> [Int] {
        try ["resources_by_parent", "resources_by_subscription"].map { index in
            let statement = try connection.statement("SELECT sum(ncell) FROM dbstat WHERE name = ?1")
            defer { statement.reset() }
            try statement.bind(index, at: 1)
            #expect(try statement.step())
            return statement.int(at: 0)
        }
    }

    @Test("a version 5 restore point index moves to version 6's rowid table whole: counts, reads and deletes")
    func migratesVersion5RestorePointIndex() throws {
        let directory = try TemporaryDirectory()
        let path = databasePath(directory)
        let records = [
            Fixture.indexRecord("rp1", instantAccess: true, creationEnd: 50),
            Fixture.indexRecord("rp2", instantAccess: true, creationEnd: 150),
            Fixture.indexRecord("rp3", vm: "vm2", instantAccess: false, creationEnd: 150),
        ]
        try writeFile(at: path, version: 5) { connection in
            for r in records {
                try connection.execute(
                    """
                    INSERT INTO restore_points (key, vm_key, subscription, location, instant_access, creation_end)
                    VALUES ('\(r.key)', '\(r.vmKey)', '\(r.subscription)', '\(r.location)',
                        \(r.instantAccess ? 1 : 0), \(r.creationEnd.ticks))
                    """)
            }
        }
        let store = try EmulatorStore(location: .file(directory: directory.path))
        defer { store.close() }
        try store.read { (tx) throws(StoreError) in
            for r in records { #expect(try tx.restorePointIndex(key: r.key) == r) }
            #expect(try tx.countRestorePoints(vmKey: Fixture.vmKey()) == 2)
            #expect(try tx.countCreatingRestorePoints(vmKey: Fixture.vmKey(), now: Timestamp(ticks: 100)) == 1)
            let ia = try tx.countCreatingInstantAccess(
                subscription: Fixture.subscription, location: records[0].location, now: Timestamp(ticks: 100))
            #expect(ia == 1)
        }
        try store.write { tx in
            try tx.upsert(Fixture.indexRecord("rp1", instantAccess: true, creationEnd: 500))  // replaced: key unique
            try tx.deleteRestorePointIndex(key: records[1].key)
        }
        #expect(try store.read { tx in try tx.countRestorePoints(vmKey: Fixture.vmKey()) } == 1)
        #expect(try store.read { tx in try tx.restorePointIndex(key: records[0].key) }?.creationEnd.ticks == 500)
    }

    @Test("a file with a newer schema is refused and left untouched")
    func newerSchema() throws {
        let directory = try TemporaryDirectory()
        let path = databasePath(directory)
        let newer = EmulatorStore.schemaVersion + 1
        do {
            let connection = try SQLiteConnection(path: path, flags: .writer)
            try connection.execute("CREATE TABLE future (x); PRAGMA user_version = \(newer)")
            connection.close()
        }
        #expect(throws: StoreError.newerSchema(found: newer, known: EmulatorStore.schemaVersion)) {
            _ = try EmulatorStore(location: .file(directory: directory.path))
        }
        #expect(try pragma("journal_mode", at: path) == "delete")
        #expect(try pragma("user_version", at: path) == String(newer))
    }

    @Test("a failing migration step leaves the file at its old version")
    func failedMigrationRollsBack() throws {
        let connection = try SQLiteConnection(path: ":memory:", flags: .writer)
        defer { connection.close() }
        let steps = [
            Migration(version: 1, sql: "CREATE TABLE one (x)"),
            Migration(version: 2, sql: "CREATE TABLE two (x); THIS IS NOT SQL"),
        ]
        #expect(throws: StoreError.self) { try Schema.migrate(connection, using: steps) }
        #expect(try connection.userVersion() == 0)
        #expect(throws: SQLiteError.self) { try connection.execute("SELECT * FROM one") }
        try Schema.migrate(connection, using: Array(steps.prefix(1)))
        #expect(try connection.userVersion() == 1)
    }
}
