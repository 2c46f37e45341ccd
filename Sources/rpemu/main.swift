import Dispatch
import EmuHTTP
import EmulatorApp

#if canImport(Glibc)
import Glibc
#endif

// rpemu: flags and env → EmulatorConfig, signals, start (DESIGN.md "Layers").

func environment() -> [String: String] {
    var env: [String: String] = [:]
    for name in EmulatorCommand.environmentNames {
        if let v = getenv(name) { env[name] = String(cString: v) }
    }
    return env
}

/// One line on standard output with `write(2)`: unbuffered, so a script reading the pipe sees it at once.
func say(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress, $0.count) }
}

func fail(_ message: String, code: Int32 = 2) -> Never {
    Logger(level: .error).error(message)
    exit(code)
}

/// The SIGTERM/SIGINT sources must live as long as the process. A local is released before `dispatchMain()` in
/// optimized builds (the call never returns, so nothing after it keeps the value), which cancels the sources and
/// leaves the signals ignored. Written once on the main thread before `dispatchMain()`, never again.
nonisolated(unsafe) var signalSources: [any DispatchSourceSignal] = []

let command: EmulatorCommand
do {
    command = try EmulatorCommand.parse(Array(CommandLine.arguments.dropFirst()), environment: environment())
} catch {
    fail("\(error.message)")
}

switch command {
case .help(let text):
    say(text)
case .version:
    say("rpemu \(EmulatorCommand.versionString)")
case .healthcheck(let config):
    exit(HealthCheck.run(config) ? 0 : 1)
case .serve(let config):
    let logger = Logger(level: config.logLevel)
    let emulator: Emulator
    let listeners: [BoundListener]
    do {
        emulator = try Emulator(config: config, logger: logger)
        listeners = try emulator.start()
    } catch {
        fail(error.message, code: 1)
    }
    for l in listeners {
        // One machine-readable line per listener on stdout: tests and scripts read the port from it.
        say("rpemu: listening \(l.isSecure ? "https" : "http")://\(l.host):\(l.port)")
    }
    logger.info(StartupBanner.text(config: config, listeners: listeners, caCertificate: emulator.caCertificatePath))
    signalSources = [SIGTERM, SIGINT].map { sig in
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
        source.setEventHandler {
            logger.info("signal \(sig == SIGTERM ? "SIGTERM" : "SIGINT"): stopping (in-flight requests get up to 5 s)")
            emulator.stop()
            logger.info("stopped")
            exit(0)
        }
        source.resume()
        return source
    }
    dispatchMain()
}
