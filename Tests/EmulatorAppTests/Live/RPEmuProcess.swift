import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real `rpemu` binary, spawned with `serve`: the HTTP port is read from its `rpemu: listening http://...` line.
final class RPEmuProcess {
    /// Why the binary could not be used.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let process: Process
    let httpPort: UInt16
    let stdoutPath: String
    let stderrPath: String

    /// `<scratch>/debug/rpemu`, next to the test executable (`/proc/self/exe`, else `CommandLine.arguments[0]`).
    static func binaryPath() throws -> String {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(exe)
        }
        if let first = CommandLine.arguments.first { candidates.append(first) }
        for exe in candidates {
            // The test executable is `<dir>/rpemuPackageTests.xctest` (a file on Linux, a bundle elsewhere).
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            if let r = exe.range(of: ".xctest/") {
                dir = URL(fileURLWithPath: String(exe[..<r.lowerBound])).deletingLastPathComponent()
            }
            let path = dir.appendingPathComponent("rpemu").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw Failure(
            description: "The rpemu binary was not found next to the test executable (looked beside \(candidates)). "
                + "Build it first: swift build --scratch-path <scratch> --build-tests")
    }

    /// Spawns `rpemu serve --http-port 0 --https-port off --data-dir <dataDirectory> --log-level <logLevel>`
    /// and waits (up to 30 s) for its listening line. Its stdout and stderr go to files in `outputDirectory`.
    init(dataDirectory: String, outputDirectory: String, logLevel: String = "error", extra: [String] = []) throws {
        let binary = try Self.binaryPath()
        let tag = UUID().uuidString.prefix(8)
        stdoutPath = outputDirectory + "/rpemu-\(tag).stdout"
        stderrPath = outputDirectory + "/rpemu-\(tag).stderr"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments =
            [
                "serve", "--http-port", "0", "--https-port", "off", "--data-dir", dataDirectory, "--log-level",
                logLevel,
            ] + extra
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var port: UInt16?
        let deadline = Date().addingTimeInterval(30)
        while port == nil, Date() < deadline {
            let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let line = out.split(separator: "\n").first(where: { $0.hasPrefix("rpemu: listening http://") }),
                let colon = line.lastIndex(of: ":")
            {
                port = UInt16(line[line.index(after: colon)...])
            }
            if port == nil {
                if !process.isRunning { break }
                usleep(10_000)
            }
        }
        guard let port else {
            let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw Failure(description: "rpemu printed no 'rpemu: listening http://' line; stderr: \(err)")
        }
        httpPort = port
    }

    var pid: Int32 { process.processIdentifier }

    var stderrText: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Sends `signal` to the process.
    func signal(_ signal: Int32) { Glibc.kill(pid, signal) }

    /// Waits up to `seconds` for the process to end; nil if it is still running.
    func waitForExit(seconds: Double) -> (reason: Process.TerminationReason, status: Int32)? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { return nil }
        process.waitUntilExit()
        return (process.terminationReason, process.terminationStatus)
    }

    /// SIGKILLs the process if it still runs, reaps it, and removes its output files. Safe to call twice.
    func cleanUp() {
        if process.isRunning {
            Glibc.kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }
}
