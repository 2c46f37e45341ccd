import ARMKit
import CLinux
import EmuCore
import EmuHTTP
import EmulatorStore
import RestorePointEngine

/// Why the emulator could not start; the message says what to change.
public struct EmulatorStartError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The wired process: store, clock, ARM routes, control plane and the HTTP/HTTPS listeners.
///
/// `start()` opens listeners, applies the seed and marks the emulator ready; `stop()` drains and closes the
/// store. `respond(to:)` serves a request in-process, without a socket (tests, later template deployments).
public final class Emulator: Sendable {
    public let config: EmulatorConfig
    let app: AppContext
    let lifecycle = Lifecycle()
    /// Issues and checks the identity plane's tokens (CONTRACT.md §1).
    let identity: IdentityPlane
    private let responder: EmulatorResponder
    private let server: HTTPServer
    private let store: EmulatorStore
    /// Gives the store's caches back when requests stop.
    let idle: IdleMemoryRelease
    /// Runs the ARM requests that change state, in batches (over HTTP; `respond(to:)` runs them in place).
    private let writes: WriteQueue

    public init(config: EmulatorConfig, logger: Logger) throws(EmulatorStartError) {
        self.config = config
        do {
            store = try EmulatorStore(location: config.inMemory ? .inMemory : .file(directory: config.dataDirectory))
        } catch {
            throw EmulatorStartError(message: "Cannot open the store in '\(config.dataDirectory)': \(error)")
        }
        let clock: ClockService
        do {
            let saved = try store.read { tx throws(StoreError) in try tx.clock() }
            var c = saved ?? EmulatedClock.starting(at: Timestamp.wallClock())
            let real = Timestamp.wallClock()
            if let scale = config.clockScale { try? c.set(scale: scale, real: real) }
            if let frozen = config.clockFrozen { c.set(frozen: frozen, real: real) }
            if c != saved { try store.write { tx throws(StoreError) in try tx.save(clock: c) } }
            clock = ClockService(c)
        } catch {
            throw EmulatorStartError(message: "Cannot read the clock from the store: \(error)")
        }
        app = AppContext(db: Database(store: store, logger: logger), clock: clock, config: config, logger: logger)
        let identity = try IdentityPlane(app: app)
        self.identity = identity
        let pipeline = ARMPipeline(
            router: ARMRoutes.router(app),
            authenticator: BearerAuthenticator(mode: config.auth, validate: identity.validator),
            versions: APIVersionPolicy(strict: config.strictAPIVersions), logger: logger,
            emulatedNow: { [clock] in clock.now() }, intercept: app.faults.intercept)
        idle = IdleMemoryRelease { [store] in
            store.releaseIdleMemory()
            // What the store frees stays in glibc's arenas (its page caches are thousands of 4 KiB blocks, freed
            // among blocks still in use, on several threads' arenas) until trimmed: without this, idle RSS after a
            // load stayed near its peak (docs/performance.md).
            _ = clinux_malloc_trim()
        }
        writes = WriteQueue(store: store)
        responder = EmulatorResponder(
            arm: pipeline, controlPlane: ControlPlane(app: app, lifecycle: lifecycle), identity: identity,
            writes: writes, db: app.db, idle: idle, logger: logger)
        server = HTTPServer(
            configuration: HTTPServerConfiguration(
                headerReadTimeout: .milliseconds(Int64(config.headerTimeout * 1000)),
                idleTimeout: .milliseconds(Int64(config.idleTimeout * 1000)), maxConnections: config.maxConnections,
                eventLoops: config.eventLoops),
            responder: responder, logger: logger)
        do {
            try app.db.write { tx throws(ARMError) in
                try SubscriptionService(app: app).register(tx, config.defaultSubscription)
            }
        } catch {
            throw EmulatorStartError(message: "Cannot register the default subscription: \(error.message)")
        }
    }

    /// Serves one request without a socket.
    public func respond(to request: HTTPRequest) -> HTTPResponse { responder.respond(to: request) }

    public var isReady: Bool { lifecycle.isReady }

    /// The CA certificate clients should trust, when rpemu generated the HTTPS certificate.
    public var caCertificatePath: String? { lifecycle.caCertificatePath }

    /// Opens the listeners, applies the seed file, and marks the emulator ready.
    public func start() throws(EmulatorStartError) -> [BoundListener] {
        var listeners: [ListenerConfiguration] = []
        if case .number(let p) = config.httpPort { listeners.append(ListenerConfiguration(host: config.host, port: p)) }
        if case .number(let p) = config.httpsPort {
            listeners.append(ListenerConfiguration(host: config.host, port: p, transport: try tlsContext()))
        }
        let bound: [BoundListener]
        do {
            bound = try server.start(listeners)
        } catch {
            throw EmulatorStartError(message: "Cannot listen on \(config.host): \(error)")
        }
        if let seed = config.seedFile { try applySeed(seed) }
        idle.start()
        lifecycle.markReady()
        return bound
    }

    /// Stops accepting, lets in-flight requests finish (at most 5 s), then closes the store (CONTRACT.md §9).
    public func stop() {
        server.stop()  // the write queue still answers the requests it holds meanwhile
        writes.waitUntilIdle()
        idle.stop()
        store.close()
    }

    private func tlsContext() throws(EmulatorStartError) -> TLSContext {
        do {
            if let cert = config.tlsCertificate, let key = config.tlsKey {
                let paths = try TLSCertificateStore.load(certificateChain: cert, privateKey: key)
                return try TLSContext(paths: paths)
            }
            let paths = try TLSCertificateStore.ensure(
                directory: config.tlsDirectory, extraHostnames: config.tlsHostnames)
            lifecycle.setCACertificate(paths.caCertificate)
            return try TLSContext(paths: paths)
        } catch {
            throw EmulatorStartError(message: "Cannot set up HTTPS: \(error.message)")
        }
    }

    private func applySeed(_ path: String) throws(EmulatorStartError) {
        guard let bytes = FileBytes.read(path) else {
            throw EmulatorStartError(message: "Cannot read the seed file '\(path)'.")
        }
        do {
            let body = try ARMRequest.parseBody(bytes)
            _ = try Seeder(app: app).apply(body.object)
        } catch {
            throw EmulatorStartError(message: "The seed file '\(path)' was not applied: \(error.message)")
        }
    }
}
