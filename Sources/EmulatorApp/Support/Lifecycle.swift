import Synchronization

/// Process-wide facts the control plane reports: readiness (store open and seed applied, CONTRACT.md §8.2)
/// and where the CA certificate is.
final class Lifecycle: Sendable {
    private struct State {
        var ready = false
        var caCertificatePath: String?
    }

    private let state = Mutex(State())

    var isReady: Bool { state.withLock { $0.ready } }
    var caCertificatePath: String? { state.withLock { $0.caCertificatePath } }

    func markReady() { state.withLock { $0.ready = true } }
    func setCACertificate(_ path: String?) { state.withLock { $0.caCertificatePath = path } }
}
