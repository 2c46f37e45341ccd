import EmuHTTP

/// The startup log lines: where rpemu listens, where it keeps state, and how to trust its CA.
public enum StartupBanner {
    public static func text(config: EmulatorConfig, listeners: [BoundListener], caCertificate: String?) -> String {
        let urls = listeners.map { "\($0.isSecure ? "https" : "http")://\($0.host):\($0.port)" }
        var lines = ["rpemu \(EmulatorCommand.versionString) ready on \(urls.joined(separator: " and "))"]
        lines.append(
            config.inMemory ? "state: in memory (nothing is written)" : "state: \(config.dataDirectory)/rpemu.sqlite")
        if let ca = caCertificate, let https = listeners.first(where: \.isSecure) {
            lines.append(
                "trust the CA: export REQUESTS_CA_BUNDLE=\(ca)  or  curl --cacert \(ca) https://\(https.host):\(https.port)/_emulator/health"
                    + "  (also served at /_emulator/tls/ca.pem)")
        }
        return lines.joined(separator: "\n")
    }
}
