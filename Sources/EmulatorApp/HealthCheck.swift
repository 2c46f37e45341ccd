import EmuHTTP

/// `rpemu healthcheck`: exit 0 when `GET /_emulator/ready` answers 200 (Docker's HEALTHCHECK, CONTRACT.md §9).
public enum HealthCheck {
    /// Asks the HTTP listener when there is one, else the HTTPS one (without verifying the certificate: the probe
    /// runs beside the server and only reads readiness).
    public static func run(_ config: EmulatorConfig) -> Bool {
        let host = config.host == "0.0.0.0" ? "127.0.0.1" : config.host == "::" ? "::1" : config.host
        if case .number(let port) = config.httpPort, port != 0 {
            return HTTPProbe.status(host: host, port: port, path: "/_emulator/ready", secure: false) == 200
        }
        if case .number(let port) = config.httpsPort, port != 0 {
            return HTTPProbe.status(host: host, port: port, path: "/_emulator/ready", secure: true) == 200
        }
        return false
    }
}
