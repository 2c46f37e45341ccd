import ARMKit
import EmuCore
import EmuHTTP
import RestorePointEngine
import Testing

@testable import EmulatorApp

@Suite("Flags and environment")
struct ConfigTests {
    private func serve(_ args: [String], env: [String: String] = [:]) throws -> EmulatorConfig {
        guard case .serve(let c) = try EmulatorCommand.parse(args, environment: env) else {
            Issue.record("not a serve command")
            return EmulatorConfig()
        }
        return c
    }

    @Test func defaults() throws {
        let c = try serve([])
        #expect(c.host == "127.0.0.1")
        #expect(c.httpPort == .number(8080))
        #expect(c.httpsPort == .number(8443))
        #expect(c.dataDirectory == "./.rpemu")
        #expect(c.auth == .any)
        #expect(c.pageSize == 100)
    }

    @Test func flagsWinOverTheirEnvironmentTwins() throws {
        let c = try serve(
            ["serve", "--http-port", "0", "--https-port=off", "--auth", "off", "--in-memory", "--tls-hostname", "a"],
            env: [
                "RPEMU_HTTP_PORT": "9000", "RPEMU_PAGE_SIZE": "3", "RPEMU_TLS_HOSTNAME": "x, y",
                "RPEMU_LOG_LEVEL": "debug",
            ])
        #expect(c.httpPort == .number(0))
        #expect(c.httpsPort == .off)
        #expect(c.auth == .off)
        #expect(c.inMemory)
        #expect(c.pageSize == 3)
        #expect(c.logLevel == .debug)
        #expect(c.tlsHostnames == ["x", "y", "a"])
    }

    @Test(arguments: [
        ["--http-port", "70000"], ["--auth", "strict-ish"], ["--page-size", "0"], ["--bogus"], ["--seed"],
        ["--tls-cert", "c.pem"], ["--http-port", "off", "--https-port", "off"], ["--retry-after", "0"],
    ])
    func badInputSaysWhatToWrite(args: [String]) {
        #expect(throws: ConfigError.self) { try EmulatorCommand.parse(args, environment: [:]) }
    }

    @Test func helpDocumentsEveryFlagAndItsEnvironmentTwin() throws {
        guard case .help(let text) = try EmulatorCommand.parse(["serve", "--help"], environment: [:]) else {
            Issue.record("no help")
            return
        }
        for option in EmulatorConfig.options {
            #expect(text.contains(option.flag + " ") || text.contains(option.flag + "\n"))
            #expect(text.contains("env: " + option.environmentName))
        }
        #expect(EmulatorCommand.environmentNames.contains("RPEMU_HTTPS_PORT"))
    }

    @Test func healthcheckCommandParses() throws {
        guard
            case .healthcheck(let c) = try EmulatorCommand.parse(
                ["healthcheck", "--http-port", "1234"], environment: [:])
        else {
            Issue.record("not a healthcheck")
            return
        }
        #expect(c.httpPort == .number(1234))
        #expect(!HealthCheck.run(c))
    }
}

@Suite("Configuration docs")
struct ConfigurationDocsTests {
    @Test func everyFlagAndVariableIsDocumented() throws {
        var dir = #filePath
        for _ in 0..<3 { dir = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)]) }
        let doc = String(decoding: try #require(readFile(dir + "/docs/configuration.md")), as: UTF8.self)
        for option in EmulatorConfig.options {
            #expect(doc.contains("`\(option.flag)"), "docs/configuration.md does not name \(option.flag)")
            #expect(
                doc.contains("`\(option.environmentName)`"),
                "docs/configuration.md does not name \(option.environmentName)")
        }
    }
}

@Suite("Configuration docs name only real flags")
struct ConfigurationDocsReverseTests {
    @Test func everyDocumentedFlagExists() throws {
        var dir = #filePath
        for _ in 0..<3 { dir = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)]) }
        let doc = String(decoding: try #require(readFile(dir + "/docs/configuration.md")), as: UTF8.self)
        let flags = Set(EmulatorConfig.options.map(\.flag))
        // Every table row starts with | `--flag ...`.
        for line in doc.split(separator: "\n") where line.hasPrefix("| `--") {
            let flag = String(line.dropFirst(3).prefix { $0 != " " && $0 != "`" })
            #expect(flags.contains(flag), "docs/configuration.md documents \(flag), which rpemu does not have")
        }
    }

    @Test func configFileSetsTimingsAndLimits() throws {
        var c = EmulatorConfig()
        try c.apply(
            configDocument: [
                "timings": ["copyMiBps": 100, "restorePointCreate": 1],
                "limits": ["concurrentInstantAccess": 3, "instantAccessMinutes": [1, 300]],
            ],
            source: "test")
        #expect(c.timings.copyMiBps == 100)
        #expect(c.timings.restorePointCreate == 1)
        #expect(c.limits.concurrentInstantAccess == 3)
        #expect(c.limits.instantAccessMinutes == 1...300)
        #expect(throws: ConfigError.self) { try c.apply(configDocument: ["timings": ["nope": 1]], source: "test") }
        #expect(throws: ConfigError.self) {
            try c.apply(configDocument: ["limits": ["concurrentInstantAccess": -1]], source: "test")
        }
    }
}
