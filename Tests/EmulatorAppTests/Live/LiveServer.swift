import EmuHTTP
import EmulatorApp
import Foundation

/// A temporary directory, removed by `remove()`.
struct TempDirectory {
    let path: String

    init(_ label: String) throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "rpemu-live-\(label)-\(UUID().uuidString.prefix(8))"
            ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// An in-process `Emulator` on real sockets: HTTP and HTTPS on 127.0.0.1 port 0, SQLite in a data directory.
final class LiveServer {
    let emulator: Emulator
    let listeners: [BoundListener]
    let dataDirectory: String

    /// Starts an emulator on `dataDirectory` with both listeners on free ports.
    init(dataDirectory: String, https: Bool = true, _ configure: (inout EmulatorConfig) -> Void = { _ in }) throws {
        var config = EmulatorConfig()
        config.httpPort = .number(0)
        config.httpsPort = https ? .number(0) : .off
        config.dataDirectory = dataDirectory
        config.logLevel = .error
        configure(&config)
        self.dataDirectory = dataDirectory
        emulator = try Emulator(config: config, logger: .silent)
        listeners = try emulator.start()
    }

    func stop() { emulator.stop() }

    var httpPort: UInt16 { listeners.first { !$0.isSecure }?.port ?? 0 }
    var httpsPort: UInt16 { listeners.first { $0.isSecure }?.port ?? 0 }

    /// The CA the generated server certificate chains to.
    var caPath: String { dataDirectory + "/tls/ca.pem" }

    /// A fresh connection to the HTTP listener.
    func client(timeout: Int = 30) throws -> LiveClient { try LiveClient(port: httpPort, timeout: timeout) }
}
