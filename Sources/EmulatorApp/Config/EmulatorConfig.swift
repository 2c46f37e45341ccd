import ARMKit
import EmuHTTP
import RestorePointEngine

/// Everything `rpemu serve` can be told, from flags or their `RPEMU_*` environment twins (docs/configuration.md).
public struct EmulatorConfig: Sendable {
    /// A listener's port: a number, 0 for "pick a free one", or off.
    public enum Port: Sendable, Equatable {
        case number(UInt16)
        case off
    }

    public var host = "127.0.0.1"
    public var httpPort: Port = .number(8080)
    public var httpsPort: Port = .number(8443)
    public var dataDirectory = "./.rpemu"
    public var inMemory = false
    public var seedFile: String?
    public var auth: BearerAuthenticator.Mode = .any
    public var logLevel: LogLevel = .info
    public var pageSize = 100
    public var tlsHostnames: [String] = []
    public var tlsCertificate: String?
    public var tlsKey: String?
    public var defaultSubscription = "00000000-0000-0000-0000-000000000001"
    public var tenantID = "00000000-0000-0000-0000-0000000000aa"
    /// Seconds clients wait between polls (`Retry-After`, CONTRACT.md §3).
    public var retryAfter = 1.0
    public var strictAPIVersions = false
    public var maxConnections = 1024
    /// Event-loop threads of the HTTP server (`HTTPServerConfiguration.eventLoops`).
    public var eventLoops = HTTPServerConfiguration.defaultEventLoops
    public var headerTimeout = 10.0
    public var idleTimeout = 60.0
    /// Applied to the persisted clock at start (CONTRACT.md §8.1); nil keeps what the store has.
    public var clockScale: Double?
    public var clockFrozen: Bool?
    public var timings = Timings()
    public var limits = Limits()

    public init() {}

    /// Where the TLS files live when rpemu generates them.
    public var tlsDirectory: String { dataDirectory + "/tls" }
}
