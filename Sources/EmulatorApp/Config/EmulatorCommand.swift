/// What `rpemu` was asked to do.
public enum EmulatorCommand: Sendable {
    case serve(EmulatorConfig)
    case healthcheck(EmulatorConfig)
    case help(String)
    case version

    public static let versionString = "0.1.0"

    /// Every `RPEMU_*` variable rpemu reads.
    public static var environmentNames: [String] { EmulatorConfig.options.map(\.environmentName) }

    /// Parses `arguments` (without the program name) over `environment`: env twins first, flags win.
    public static func parse(_ arguments: [String], environment: [String: String]) throws(ConfigError)
        -> EmulatorCommand
    {
        var args = arguments[...]
        let verb = args.first.map { $0.hasPrefix("-") ? "serve" : $0 } ?? "serve"
        if let first = args.first, !first.hasPrefix("-") { args = args.dropFirst() }
        switch verb {
        case "serve", "healthcheck": break
        case "help": return .help(EmulatorConfig.helpText)
        case "version": return .version
        default: throw ConfigError("Unknown command '\(verb)'. Commands: serve, healthcheck, help, version.")
        }
        if args.contains("--help") || args.contains("-h") { return .help(EmulatorConfig.helpText) }
        if args.contains("--version") { return .version }
        var config = EmulatorConfig()
        for option in EmulatorConfig.options {
            if let v = environment[option.environmentName] { try option.apply(&config, v) }
        }
        while let arg = args.first {
            args = args.dropFirst()
            let parts = arg.split(separator: "=", maxSplits: 1)
            let name = String(parts[0])
            guard let option = EmulatorConfig.options.first(where: { $0.flag == name }) else {
                throw ConfigError("Unknown flag '\(name)'. Run `rpemu serve --help` for the list.")
            }
            var value: String
            if parts.count == 2 {
                value = String(parts[1])
            } else if option.value == nil {
                value = "true"
            } else {
                guard let next = args.first else { throw ConfigError("\(name) needs a value \(option.value ?? "").") }
                value = next
                args = args.dropFirst()
            }
            try option.apply(&config, value)
        }
        if (config.tlsCertificate == nil) != (config.tlsKey == nil) {
            throw ConfigError("--tls-cert and --tls-key go together: give both or neither.")
        }
        if config.httpPort == .off, config.httpsPort == .off {
            throw ConfigError("Both --http-port and --https-port are off: nothing would listen.")
        }
        return verb == "serve" ? .serve(config) : .healthcheck(config)
    }
}
