import ARMKit
import EmuCore
import EmuHTTP
import EmulatorStore
import RestorePointEngine
import Synchronization

/// The fault rules (CONTRACT.md §8.4, docs/faults.md): kept in memory, written through to the meta table under
/// `metaKey` with their counters, so rules, `nth` and seeded probabilities carry on across a restart.
///
/// `intercept` wraps every ARM handler (`status` and `delaySeconds` rules); `operationFailure` is the lookup a
/// restore point creation makes (`failOperation` rules). Lock order: the store's writer, then `state`.
final class FaultInjector: Sendable {
    static let metaKey = "faults"

    private let state: Mutex<[FaultRule]>
    /// The number of rules, read without the lock: with no rules a request costs one atomic load.
    private let count = Atomic<Int>(0)
    private let db: Database
    private let logger: Logger

    init(db: Database, logger: Logger) {
        self.db = db
        self.logger = logger
        var rules: [FaultRule] = []
        do {
            let text = try db.read { tx throws(ARMError) in try Self.store(tx.meta(Self.metaKey)) }
            if let text, let doc = try? JSONParser.parse(Array(text.utf8)) {
                rules = (doc["rules"]?.arrayValue ?? []).compactMap(FaultRule.init(stored:))
            }
        } catch {
            logger.error("fault rules not loaded: \(error.message)")
        }
        state = Mutex(rules)
        count.store(rules.count, ordering: .releasing)
    }

    // MARK: Control plane

    var rules: [FaultRule] { state.withLock { $0 } }

    func add(_ rule: FaultRule) throws(ARMError) -> FaultRule {
        try change { $0.append(rule) }
        logger.info("fault rule \(rule.id) added: \(rule.json().text)")
        return rule
    }

    /// Removes one rule (true when it existed), or all of them when `id` is nil; returns how many went.
    @discardableResult
    func remove(id: String?) throws(ARMError) -> Int {
        let removed = try change { rules in
            let before = rules.count
            rules.removeAll { id == nil || $0.id.lowercased() == id?.lowercased() }
            return before - rules.count
        }
        if removed > 0 { logger.info("fault rules removed: \(id ?? "all") (\(removed))") }
        return removed
    }

    /// Forgets every rule; called inside the transaction that empties the meta table (`POST /_emulator/reset`).
    func forgetAll() {
        state.withLock { rules in
            rules.removeAll()
            count.store(0, ordering: .releasing)
        }
    }

    // MARK: Requests

    /// The `ARMInterceptor`: counts the request against every `status` and `delaySeconds` rule it matches; a
    /// firing `status` rule answers instead of the handler, firing delays hold the response back (at most
    /// `FaultRule.maxDelaySeconds` in all).
    func intercept(_ route: ARMRoute, _ request: ARMRequest, _ next: () throws(ARMError) -> ARMResponse)
        throws(ARMError) -> ARMResponse
    {
        guard count.load(ordering: .acquiring) > 0 else { return try next() }
        let operation = FaultOperation.name(of: route)
        let resource = FaultOperation.resource(of: request)
        let (matched, fired) = evaluate(operation, resource) { effect in
            if case .failOperation = effect { return false }
            return true
        }
        guard matched else { return try next() }
        persist()
        var delay = 0.0
        var answer: ARMError?
        for rule in fired {
            logFired(rule, operation, resource)
            switch rule.effect {
            case .status(let e): answer = answer ?? e
            case .delay(let s): delay += s
            case .failOperation: break
            }
        }
        guard delay > 0 else {
            if let answer { throw answer }
            return try next()
        }
        // Held back by the connection with a deadline, not a sleep: a sleep would stall every connection of the
        // event loop serving this one (docs/architecture.md "HTTP server").
        var response: ARMResponse
        if let answer {
            response = ARMResponse(error: answer)
        } else {
            do { response = try next() } catch { response = ARMResponse(error: error) }
        }
        response.holdBack = .milliseconds(Int64((min(delay, FaultRule.maxDelaySeconds) * 1000).rounded()))
        return response
    }

    /// The error a restore point creation ends with, when a `failOperation` rule fires on it; the counters are
    /// written in the creation's own transaction.
    func operationFailure(_ tx: WriteTransaction, operation: String, resource: ResourceID) throws(ARMError)
        -> RestorePointFacts.Failure?
    {
        guard count.load(ordering: .acquiring) > 0 else { return nil }
        let (matched, fired) = evaluate(operation, resource.string) { effect in
            if case .failOperation = effect { return true }
            return false
        }
        guard matched else { return nil }
        try Self.store(tx.setMeta(Self.metaKey, document()))
        for rule in fired { logFired(rule, operation, resource.string) }
        guard case .failOperation(let code, let message) = fired.first?.effect else { return nil }
        return RestorePointFacts.Failure(code: code, message: message)
    }

    // MARK: Internals

    /// Counts the request against the rules of the kinds `include` accepts; returns whether any matched and the
    /// ones that fired, in rule order.
    private func evaluate(_ operation: String, _ resource: String, include: (FaultRule.Effect) -> Bool)
        -> (matched: Bool, fired: [FaultRule])
    {
        state.withLock { rules in
            var matched = false
            var fired: [FaultRule] = []
            for i in rules.indices where include(rules[i].effect) && rules[i].applies(to: operation, resource: resource)
            {
                matched = true
                if rules[i].fires() { fired.append(rules[i]) }
            }
            return (matched, fired)
        }
    }

    private func logFired(_ rule: FaultRule, _ operation: String, _ resource: String) {
        let what: String
        switch rule.effect {
        case .status(let e): what = "answered \(e.status) \(e.code)"
        case .failOperation(let code, _): what = "operation will end Failed with \(code)"
        case .delay(let s): what = "response delayed \(s) s"
        }
        logger.info(
            "fault rule \(rule.id) fired (hit \(rule.hits), match \(rule.matches)): \(operation) \(resource) \(what)")
    }

    /// Applies `body` to the rules and writes them through; the snapshot is taken under the writer, so the last
    /// write always holds the newest counters.
    private func change<T>(_ body: (inout [FaultRule]) -> T) throws(ARMError) -> T {
        try db.write { tx throws(ARMError) in
            let (value, doc) = state.withLock { rules in
                let value = body(&rules)
                count.store(rules.count, ordering: .releasing)
                return (value, Self.document(rules))
            }
            try Self.store(tx.setMeta(Self.metaKey, doc))
            return value
        }
    }

    /// Writes the counters; a failure is logged, never answered (the request itself is served as the rules say).
    private func persist() {
        do {
            try db.write { tx throws(ARMError) in try Self.store(tx.setMeta(Self.metaKey, document())) }
        } catch {
            logger.error("fault rule counters not saved: \(error.message)")
        }
    }

    private func document() -> String { state.withLock { Self.document($0) } }

    private static func document(_ rules: [FaultRule]) -> String {
        JSON.object(["rules": .array(rules.map { $0.json(stored: true) })]).text
    }

    private static func store<T>(_ value: @autoclosure () throws(StoreError) -> T) throws(ARMError) -> T {
        do { return try value() } catch {
            throw ARMError(status: 500, code: "InternalServerError", message: "The emulator's store failed: \(error).")
        }
    }
}
