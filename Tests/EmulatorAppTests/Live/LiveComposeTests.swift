import EmuHTTP
import EmulatorApp
import Foundation
import Testing

/// `docker-compose.yml` and `Dockerfile` agree with the code: ports, env names, healthcheck, volume, seed.
/// Read as text with simple line rules (no YAML library).
@Suite("Live: docker-compose and Dockerfile consistency")
struct LiveComposeTests {
    /// The repository root: this file is `Tests/EmulatorAppTests/Live/LiveComposeTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func read(_ name: String) throws -> String {
        try String(contentsOfFile: root + "/" + name, encoding: .utf8)
    }

    /// The compose file's lines without comments, with their indentation.
    static func composeLines() throws -> [String] {
        try read("docker-compose.yml").components(separatedBy: "\n")
            .map { line in line.firstRange(of: " #").map { String(line[..<$0.lowerBound]) } ?? line }
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// The items (`- x` or `key: value`) of the block under `key:` (first occurrence), unquoted.
    static func block(_ key: String, in lines: [String]) -> [String] {
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == key + ":" }) else {
            return []
        }
        let indent = lines[start].prefix { $0 == " " }.count
        var items: [String] = []
        for line in lines[(start + 1)...] {
            guard line.prefix(while: { $0 == " " }).count > indent else { break }
            var item = line.trimmingCharacters(in: .whitespaces)
            if item.hasPrefix("- ") { item.removeFirst(2) }
            items.append(unquote(item))
        }
        return items
    }

    static func unquote(_ s: String) -> String {
        let t = s.trimmingCharacters(in: .whitespaces)
        if t.count >= 2, let f = t.first, f == "\"" || f == "'", t.last == f { return String(t.dropFirst().dropLast()) }
        return t
    }

    /// `RPEMU_*` names in `text` (a bare `RPEMU_` prefix, as in `RPEMU_<FLAG>`, is not a name).
    static func envNames(in text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = text[...]
        while let r = rest.firstRange(of: "RPEMU_") {
            let name = rest[r.lowerBound...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
            if name.count > "RPEMU_".count { names.insert(String(name)) }
            rest = rest[r.upperBound...]
        }
        return names
    }

    /// The compose service's `environment:` map.
    static func environment() throws -> [String: String] {
        var env: [String: String] = [:]
        for item in block("environment", in: try composeLines()) {
            let parts = item.split(separator: item.contains("=") && !item.contains(": ") ? "=" : ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            env[parts[0].trimmingCharacters(in: .whitespaces)] = unquote(String(parts[1]))
        }
        return env
    }

    @Test("ports 8080 and 8443 are published, exposed, and equal the code's defaults")
    func ports() throws {
        let defaults = EmulatorConfig()
        #expect(defaults.httpPort == .number(8080))
        #expect(defaults.httpsPort == .number(8443))
        let published = Self.block("ports", in: try Self.composeLines())
        let containerPorts = published.compactMap { $0.split(separator: ":").last.flatMap { UInt16($0) } }
        #expect(published.count == 2, "\(published)")
        for port in [defaults.httpPort, defaults.httpsPort] {
            guard case .number(let p) = port else { continue }
            #expect(containerPorts.contains(p), "compose publishes \(published), the code listens on \(p)")
        }
        let expose = try Self.read("Dockerfile").components(separatedBy: "\n").first { $0.hasPrefix("EXPOSE ") }
        let exposed = Set(expose?.split(separator: " ").dropFirst().compactMap { UInt16($0) } ?? [])
        #expect(exposed == [8080, 8443], "\(String(describing: expose))")
    }

    @Test("every RPEMU_* name in the compose file and the Dockerfile is one rpemu reads")
    func environmentNames() throws {
        let known = Set(EmulatorCommand.environmentNames)
        let compose = Self.envNames(in: try Self.read("docker-compose.yml"))
        let dockerfile = Self.envNames(in: try Self.read("Dockerfile"))
        #expect(!compose.isEmpty && !dockerfile.isEmpty)
        #expect(compose.subtracting(known).isEmpty, "unknown in compose: \(compose.subtracting(known))")
        #expect(dockerfile.subtracting(known).isEmpty, "unknown in Dockerfile: \(dockerfile.subtracting(known))")
        for key in try Self.environment().keys { #expect(known.contains(key), "\(key)") }
        // And the values are ones rpemu accepts.
        let env = try Self.environment()
        #expect(throws: Never.self) { try EmulatorCommand.parse(["serve"], environment: env) }
    }

    @Test("the healthcheck runs `rpemu healthcheck` in both files")
    func healthcheck() throws {
        let test = Self.block("healthcheck", in: try Self.composeLines()).first { $0.hasPrefix("test:") } ?? ""
        let words = test.dropFirst("test:".count).components(separatedBy: CharacterSet(charactersIn: "[],\" "))
            .filter { !$0.isEmpty }
        #expect(words.suffix(2) == ["rpemu", "healthcheck"], "\(test)")
        let docker = try Self.read("Dockerfile").components(separatedBy: "\n").first { $0.hasPrefix("HEALTHCHECK") }
        #expect(docker?.contains(#"CMD ["rpemu", "healthcheck"]"#) == true, "\(String(describing: docker))")
        #expect(throws: Never.self) {
            guard case .healthcheck = try EmulatorCommand.parse(["healthcheck"], environment: [:]) else {
                Issue.record("`rpemu healthcheck` is not the healthcheck command")
                return
            }
        }
    }

    @Test("a volume is mounted at RPEMU_DATA_DIR, and the Dockerfile's data dir is a VOLUME too")
    func dataVolume() throws {
        let env = try Self.environment()
        let dataDir = try #require(env["RPEMU_DATA_DIR"], "compose sets no RPEMU_DATA_DIR")
        let volumes = Self.block("volumes", in: try Self.composeLines())
        let targets = volumes.compactMap { v -> String? in
            let parts = v.split(separator: ":")
            return parts.count >= 2 ? String(parts[1]) : nil
        }
        #expect(targets.contains(dataDir), "volumes \(volumes) mount nothing at \(dataDir)")
        let named = volumes.first { $0.split(separator: ":").count >= 2 && $0.split(separator: ":")[1] == dataDir }
        if let source = named?.split(separator: ":").first, !source.hasPrefix(".") && !source.hasPrefix("/") {
            let top = try Self.composeLines().filter { !$0.hasPrefix(" ") }
            #expect(top.contains("volumes:"), "named volume \(source) is not declared")
        }
        let dockerfile = try Self.read("Dockerfile")
        #expect(dockerfile.contains("RPEMU_DATA_DIR=\(dataDir)"), "the Dockerfile's RPEMU_DATA_DIR differs")
        #expect(dockerfile.contains("VOLUME \(dataDir)"))
    }

    @Test("RPEMU_SEED names a file that the bind mount maps to fixtures/, and that file seeds an emulator")
    func seedFile() throws {
        let env = try Self.environment()
        let seed = try #require(env["RPEMU_SEED"], "compose sets no RPEMU_SEED")
        let binds = Self.block("volumes", in: try Self.composeLines()).compactMap { v -> (String, String)? in
            let parts = v.split(separator: ":").map(String.init)
            guard parts.count >= 2, parts[0].hasPrefix(".") || parts[0].hasPrefix("/") else { return nil }
            return (parts[0], parts[1])
        }
        let bind = binds.first { seed.hasPrefix($0.1 + "/") }
        let (hostDir, containerDir) = try #require(bind, "no bind mount covers \(seed): \(binds)")
        #expect(hostDir.hasPrefix("./fixtures"), "\(hostDir)")
        let hostPath = Self.root + "/" + hostDir.dropFirst(2) + seed.dropFirst(containerDir.count)
        #expect(FileManager.default.fileExists(atPath: hostPath), "\(hostPath) is missing")

        var config = EmulatorConfig()
        config.inMemory = true
        config.httpPort = .off
        config.httpsPort = .off
        config.seedFile = hostPath
        let emulator = try Emulator(config: config, logger: .silent)
        _ = try emulator.start()
        defer { emulator.stop() }
        #expect(emulator.isReady)
    }
}
