#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much the process says.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 0, warn, info, debug

    public init?(name: String) {
        switch name.lowercased() {
        case "error": self = .error
        case "warn", "warning": self = .warn
        case "info": self = .info
        case "debug": self = .debug
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .error: "error"
        case .warn: "warn"
        case .info: "info"
        case .debug: "debug"
        }
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// One-line logs to standard error with `write(2)`: `stderr`/`stdout` globals are not concurrency-safe
/// in Swift 6 (DESIGN.md "Swift 6 pitfalls"), and one `write` per line keeps concurrent lines whole.
public struct Logger: Sendable {
    /// The most detailed level printed; nil prints nothing.
    public let level: LogLevel?
    public let label: String

    public init(level: LogLevel?, label: String = "rpemu") {
        self.level = level
        self.label = label
    }

    /// A logger that prints nothing (tests).
    public static let silent = Logger(level: nil)

    public func enabled(_ l: LogLevel) -> Bool { level.map { l <= $0 } ?? false }

    public func log(_ l: LogLevel, _ message: @autoclosure () -> String) {
        guard enabled(l) else { return }
        var bytes = Array("\(l.name) [\(label)] \(message())\n".utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    public func error(_ m: @autoclosure () -> String) { log(.error, m()) }
    public func warn(_ m: @autoclosure () -> String) { log(.warn, m()) }
    public func info(_ m: @autoclosure () -> String) { log(.info, m()) }
    public func debug(_ m: @autoclosure () -> String) { log(.debug, m()) }
}
