/// Where the store keeps its data (CONTRACT.md §9: `--data-dir` or `--in-memory`).
public enum StoreLocation: Sendable, Equatable {
    /// `{directory}/rpemu.sqlite` in WAL mode; the directory is created if missing.
    case file(directory: String)
    /// A private in-memory database that lives as long as the store.
    case inMemory

    /// The database file's name inside the data directory.
    public static let fileName = "rpemu.sqlite"
}
