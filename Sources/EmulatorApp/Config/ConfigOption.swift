/// One `rpemu serve` flag: its name, env twin, help text and how it applies to the config.
struct ConfigOption: Sendable {
    let flag: String
    /// `<value>` placeholder; nil for a switch.
    let value: String?
    let help: String
    let apply: @Sendable (inout EmulatorConfig, String) throws(ConfigError) -> Void

    /// `--http-port` → `RPEMU_HTTP_PORT`.
    var environmentName: String {
        "RPEMU_" + flag.dropFirst(2).uppercased().replacing("-", with: "_")
    }
}

/// A flag or value `rpemu` could not use; the message says what to write instead.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
