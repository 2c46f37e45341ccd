import ARMKit
import EmuHTTP
import RestorePointEngine

extension EmulatorConfig {
    /// Every flag of `rpemu serve`, in `--help` order. Each has an env twin `RPEMU_<FLAG>`.
    static let options: [ConfigOption] = [
        ConfigOption(
            flag: "--host", value: "<address>", help: "Address to listen on (default 127.0.0.1; 0.0.0.0 in Docker)."
        ) {
            c, v throws(ConfigError) in c.host = v
        },
        ConfigOption(
            flag: "--http-port", value: "<port|0|off>",
            help: "HTTP port (default 8080; 0 picks a free port and prints it; off disables)."
        ) {
            c, v throws(ConfigError) in c.httpPort = try port(v, flag: "--http-port")
        },
        ConfigOption(
            flag: "--https-port", value: "<port|0|off>",
            help: "HTTPS port (default 8443; 0 picks a free port; off disables)."
        ) {
            c, v throws(ConfigError) in c.httpsPort = try port(v, flag: "--https-port")
        },
        ConfigOption(
            flag: "--data-dir", value: "<dir>",
            help:
                "Directory for rpemu.sqlite and the generated TLS files (default ./.rpemu); one rpemu at a time uses it."
        ) {
            c, v throws(ConfigError) in c.dataDirectory = v
        },
        ConfigOption(
            flag: "--in-memory", value: nil,
            help: "Keep all state in memory: nothing is written (TLS files still go to --data-dir)."
        ) {
            c, v throws(ConfigError) in c.inMemory = try bool(v, flag: "--in-memory")
        },
        ConfigOption(
            flag: "--seed", value: "<file>",
            help: "Fixture document applied at start (docs/seeding.md), e.g. fixtures/demo.json."
        ) {
            c, v throws(ConfigError) in c.seedFile = v
        },
        ConfigOption(
            flag: "--auth", value: "<any|strict|off>",
            help:
                "ARM bearer auth: any = an Authorization: Bearer header is required, any token passes (default); "
                + "strict = only unexpired tokens rpemu's identity plane issued; off = no check."
        ) {
            c, v throws(ConfigError) in
            guard let m = BearerAuthenticator.Mode(rawValue: v.lowercased()) else {
                throw ConfigError("--auth takes any, strict or off, not '\(v)'.")
            }
            c.auth = m
        },
        ConfigOption(
            flag: "--log-level", value: "<error|warn|info|debug>",
            help: "How much to log (default info: one access-log line per request; debug adds bodies)."
        ) {
            c, v throws(ConfigError) in
            guard let l = LogLevel(name: v) else {
                throw ConfigError("--log-level takes error, warn, info or debug, not '\(v)'.")
            }
            c.logLevel = l
        },
        ConfigOption(
            flag: "--page-size", value: "<n>", help: "Items per page of a list before a nextLink (default 100)."
        ) {
            c, v throws(ConfigError) in c.pageSize = try positive(v, flag: "--page-size")
        },
        ConfigOption(
            flag: "--tls-hostname", value: "<name>",
            help: "Extra DNS name or IP for the generated certificate (repeatable; env: comma-separated)."
        ) {
            c, v throws(ConfigError) in
            c.tlsHostnames += v.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        },
        ConfigOption(
            flag: "--tls-cert", value: "<file>",
            help: "Your own PEM certificate chain for HTTPS (with --tls-key) instead of the generated one."
        ) {
            c, v throws(ConfigError) in c.tlsCertificate = v
        },
        ConfigOption(flag: "--tls-key", value: "<file>", help: "The PEM private key of --tls-cert.") {
            c, v throws(ConfigError) in c.tlsKey = v
        },
        ConfigOption(
            flag: "--default-subscription", value: "<guid>",
            help: "Subscription listed by GET /subscriptions (default 00000000-0000-0000-0000-000000000001)."
        ) {
            c, v throws(ConfigError) in c.defaultSubscription = v
        },
        ConfigOption(
            flag: "--retry-after", value: "<seconds>",
            help:
                "Retry-After on long-running operations (default 1; fractions allowed; never 0: clients then wait 30 s)."
        ) {
            c, v throws(ConfigError) in
            guard let s = Double(v), s > 0, s <= 3600 else {
                throw ConfigError("--retry-after takes seconds > 0, not '\(v)'.")
            }
            c.retryAfter = s
        },
        ConfigOption(
            flag: "--strict-api-versions", value: nil,
            help: "Refuse api-versions newer than the newest known instead of serving the newest."
        ) {
            c, v throws(ConfigError) in c.strictAPIVersions = try bool(v, flag: "--strict-api-versions")
        },
        ConfigOption(flag: "--max-connections", value: "<n>", help: "Open connections accepted at once (default 1024).")
        {
            c, v throws(ConfigError) in c.maxConnections = try positive(v, flag: "--max-connections")
        },
        ConfigOption(
            flag: "--event-loops", value: "<n>",
            help: "HTTP event-loop threads (default one per processor, at least 2)."
        ) {
            c, v throws(ConfigError) in c.eventLoops = try positive(v, flag: "--event-loops")
        },
        ConfigOption(
            flag: "--header-timeout", value: "<seconds>",
            help: "A client must send a request's headers within this time (default 10)."
        ) {
            c, v throws(ConfigError) in c.headerTimeout = try seconds(v, flag: "--header-timeout")
        },
        ConfigOption(
            flag: "--idle-timeout", value: "<seconds>",
            help: "Idle keep-alive connections close after this time (default 60)."
        ) {
            c, v throws(ConfigError) in c.idleTimeout = try seconds(v, flag: "--idle-timeout")
        },
        ConfigOption(
            flag: "--resource-create-seconds", value: "<seconds>",
            help: "Emulated time VM and disk PUTs stay Creating/Updating (timings.resourceCreate, default 2)."
        ) {
            c, v throws(ConfigError) in c.timings.resourceCreate = try nonNegative(v, flag: "--resource-create-seconds")
        },
        ConfigOption(
            flag: "--delete-seconds", value: "<seconds>",
            help: "Emulated time deletes stay Deleting (timings.delete, default 2)."
        ) {
            c, v throws(ConfigError) in c.timings.delete = try nonNegative(v, flag: "--delete-seconds")
        },
        ConfigOption(
            flag: "--enforce-throttling", value: nil,
            help: "Refuse a 4th restore point PUT per VM within an hour with 429 and Retry-After, as Azure documents."
        ) {
            c, v throws(ConfigError) in
            c.limits.restorePointPutsPerVmPerHour = try bool(v, flag: "--enforce-throttling") ? 3 : nil
        },
        ConfigOption(
            flag: "--restore-point-create-seconds", value: "<seconds>",
            help: "Emulated time restore points stay Creating (timings.restorePointCreate, default 15)."
        ) {
            c, v throws(ConfigError) in
            c.timings.restorePointCreate = try nonNegative(v, flag: "--restore-point-create-seconds")
        },
        ConfigOption(
            flag: "--clock-scale", value: "<n>",
            help:
                "Emulated seconds per real second, applied at start (default: as stored; first start 1; 0 stops time)."
        ) {
            c, v throws(ConfigError) in
            guard let s = Double(v), s >= 0, s.isFinite else {
                throw ConfigError("--clock-scale takes a number ≥ 0, not '\(v)'.")
            }
            c.clockScale = s
        },
        ConfigOption(
            flag: "--clock-frozen", value: nil,
            help: "Start with the emulated clock frozen (move it with POST /_emulator/clock)."
        ) {
            c, v throws(ConfigError) in c.clockFrozen = try bool(v, flag: "--clock-frozen")
        },
        ConfigOption(
            flag: "--config", value: "<file>",
            help:
                "JSON file of timings and limits ({\"timings\":{...},\"limits\":{...}}, docs/configuration.md); later flags win."
        ) {
            c, v throws(ConfigError) in try c.apply(configFile: v)
        },
    ]

    static func port(_ v: String, flag: String) throws(ConfigError) -> Port {
        if v.lowercased() == "off" { return .off }
        guard let p = UInt16(v) else { throw ConfigError("\(flag) takes a port number 0–65535 or off, not '\(v)'.") }
        return .number(p)
    }

    static func bool(_ v: String, flag: String) throws(ConfigError) -> Bool {
        switch v.lowercased() {
        case "", "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigError("\(flag) takes true or false, not '\(v)'.")
        }
    }

    static func positive(_ v: String, flag: String) throws(ConfigError) -> Int {
        guard let n = Int(v), n > 0 else { throw ConfigError("\(flag) takes a whole number > 0, not '\(v)'.") }
        return n
    }

    static func seconds(_ v: String, flag: String) throws(ConfigError) -> Double {
        guard let s = Double(v), s > 0 else { throw ConfigError("\(flag) takes seconds > 0, not '\(v)'.") }
        return s
    }

    static func nonNegative(_ v: String, flag: String) throws(ConfigError) -> Double {
        guard let s = Double(v), s >= 0 else { throw ConfigError("\(flag) takes seconds ≥ 0, not '\(v)'.") }
        return s
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
