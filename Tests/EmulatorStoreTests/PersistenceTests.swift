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
        do {
            let connection = try SQLiteConnection(path: path, flags: .writer)
            try Schema.migrate(connection, upTo: version)
            #expect(try connection.userVersion() == version)
            connection.close()
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
