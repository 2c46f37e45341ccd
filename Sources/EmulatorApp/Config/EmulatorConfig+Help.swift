extension EmulatorConfig {
    /// `rpemu --help`: every flag with its env twin.
    public static var helpText: String {
        var lines = [
            "rpemu \(EmulatorCommand.versionString): a local emulator of the Azure Compute restore point resource provider.",
            "",
            "Usage:",
            "  rpemu serve [flags]        run the emulator (the default command)",
            "  rpemu healthcheck [flags]  exit 0 when GET /_emulator/ready answers 200 (uses --host and the ports)",
            "  rpemu help | version",
            "",
            "Flags (each also read from the environment variable shown; a flag wins over its variable):",
        ]
        for o in options {
            let head = "  \(o.flag)\(o.value.map { " " + $0 } ?? "")"
            lines.append(head)
            lines.append("      \(o.help)")
            lines.append("      env: \(o.environmentName)\(o.value == nil ? "=true" : "")")
        }
        lines.append("")
        lines.append(
            "Docs: docs/configuration.md. Trust the CA for HTTPS: GET /_emulator/tls/ca.pem or <data-dir>/tls/ca.pem.")
        return lines.joined(separator: "\n")
    }
}
