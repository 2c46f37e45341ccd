/// How hard a commit pushes to disk (`PRAGMA synchronous`, <https://www.sqlite.org/pragma.html#pragma_synchronous>).
public enum SynchronousMode: Sendable, Equatable {
    /// WAL + NORMAL: a committed transaction survives a killed process (CONTRACT.md §9), and may be lost only
    /// to an OS crash or power cut before the next checkpoint.
    case normal
    /// WAL + FULL: every commit syncs the WAL, so it also survives an OS crash or power cut.
    case full

    var pragmaValue: String {
        switch self {
        case .normal: "NORMAL"
        case .full: "FULL"
        }
    }
}
