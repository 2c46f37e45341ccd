#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EmulatorStore {
    /// Opens the writer, configures it and migrates the schema. `synchronous` is nil in memory.
    static func openWriter(path: String, synchronous: SynchronousMode?) throws(StoreError) -> SQLiteConnection {
        let connection: SQLiteConnection
        let found: Int
        do throws(SQLiteError) {
            connection = try SQLiteConnection(path: path, flags: .writer, vfs: synchronous == nil ? nil : fileVFS)
            try connection.setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
            // The first read takes the process's lock on the file (`fileVFS`); another process holding it
            // makes it fail busy once the busy timeout has passed.
            found = try connection.userVersion()
        } catch {
            throw error.isBusy ? .inUse(path: path) : .sqlite(error)
        }
        // Refuse a newer file before changing anything in it (Schema.migrate checks again, under lock).
        guard found <= schemaVersion else { throw .newerSchema(found: found, known: schemaVersion) }
        if let synchronous {
            try enableWAL(connection, synchronous: synchronous)
        }
        try Schema.migrate(connection)
        return connection
    }

    /// WAL lets readers run beside the writer; `synchronous` decides what a commit survives (CONTRACT.md §9).
    /// A file also gets the memory map and the writer's cache size (`EmulatorStore.mmapBytes`, `writerCacheKiB`).
    private static func enableWAL(_ connection: SQLiteConnection, synchronous: SynchronousMode) throws(StoreError) {
        let mode: String?
        do throws(SQLiteError) {
            mode = try connection.setPragma("journal_mode", "WAL")
            try connection.setPragma("synchronous", synchronous.pragmaValue)
            // A checkpoint rewinds the WAL but keeps its size; past 64 MiB it is truncated back.
            try connection.setPragma("journal_size_limit", "67108864")
            try connection.setPragma("mmap_size", String(mmapBytes))
            try connection.setPragma("cache_size", String(-writerCacheKiB))  // negative: KiB, not pages
            // A savepoint's journal (every write of a batch has one, `writeBatch`) stays in memory instead of
            // spilling past 64 KiB to a temporary file (sqlite.org/tempfiles.html, "Statement Journal Files").
            try connection.setPragma("temp_store", "MEMORY")
        } catch {
            throw .sqlite(error)
        }
        guard mode?.lowercased() == "wal" else {
            throw .io("\(connection.path): journal_mode stayed \(mode ?? "unknown"); WAL is required")
        }
    }

    /// Creates `directory` and any missing parents (`mkdir -p`).
    static func createDirectory(_ directory: String) throws(StoreError) {
        guard !directory.isEmpty else { throw .io("the data directory is empty") }
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw .io("cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw .io("\(directory) is not a directory")
        }
    }
}
