import EmuCore
import Foundation

/// The real `curl` binary, run with Foundation `Process`: one request per run, headers and body captured.
struct Curl {
    /// What one run of curl produced.
    struct Result: CustomStringConvertible {
        let exitCode: Int32
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]
        let stderr: String

        func header(_ name: String) -> String? {
            headers.last { $0.name.lowercased() == name.lowercased() }?.value
        }

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSON { (try? JSONParser.parse(body)) ?? .null }
        var description: String { "curl exit \(exitCode), HTTP \(status): \(text) \(stderr)" }
    }

    /// Where curl writes its header and body files.
    let scratch: String
    /// `--cacert`, or nil to use the system trust store.
    let caCertificate: String?

    /// Runs `curl` with `extra` options against `url`; `body` is sent with `--data-binary`.
    func run(
        _ method: String, _ url: String, body: String? = nil, auth: Bool = true, extra: [String] = []
    ) throws -> Result {
        let id = UUID().uuidString.prefix(8)
        let headerFile = "\(scratch)/curl-\(id).headers"
        let bodyFile = "\(scratch)/curl-\(id).body"
        defer {
            try? FileManager.default.removeItem(atPath: headerFile)
            try? FileManager.default.removeItem(atPath: bodyFile)
        }
        var args = ["curl", "-sS", "--max-time", "30", "-X", method, "-D", headerFile, "-o", bodyFile]
        if let caCertificate { args += ["--cacert", caCertificate] }
        if auth { args += ["-H", "Authorization: Bearer live-test-token"] }
        if let body { args += ["-H", "Content-Type: application/json", "--data-binary", body] }
        args += extra + [url]
        let (code, stderr) = try Self.execute(args)
        let headerText = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        let body = FileManager.default.contents(atPath: bodyFile).map { [UInt8]($0) } ?? []
        // The last header block is the final response (a 100 Continue block may precede it).
        let blocks = headerText.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }
        var status = 0
        var headers: [(name: String, value: String)] = []
        if let last = blocks.last {
            var lines = last.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            status = statusLine.count >= 2 ? Int(statusLine[1]) ?? 0 : 0
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append(
                    (
                        String(line[..<colon]),
                        String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                    ))
            }
        }
        return Result(exitCode: code, status: status, headers: headers, body: body, stderr: stderr)
    }

    /// Runs a program found on `PATH` (through `/usr/bin/env`) and returns its exit code and standard error.
    static func execute(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errData, as: UTF8.self))
    }
}
