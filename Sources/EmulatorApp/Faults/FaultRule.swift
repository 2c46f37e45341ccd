import ARMKit
import EmuCore

/// One fault rule (CONTRACT.md §8.4, docs/faults.md): which requests it matches, what it does to them, and its
/// counters. Persisted with its generator state, so `nth` and seeded probabilities carry on across a restart.
struct FaultRule: Sendable, Equatable {
    enum Effect: Sendable, Equatable {
        /// Answer with this ARM error instead of calling the handler.
        case status(ARMError)
        /// Long-running creates only: the operation ends `Failed` with this error.
        case failOperation(code: String, message: String)
        /// Delay the response by real seconds.
        case delay(seconds: Double)
    }

    /// The longest `delaySeconds` a rule may ask for, and the most several delays add up to.
    static let maxDelaySeconds = 30.0

    var id: String
    /// A name of `FaultOperation.vocabulary` in its documented spelling, or `*`.
    var operation: String
    /// A case-insensitive glob on the ARM id: `*` any run of characters (slashes too), `?` one character.
    var resource: String
    /// Only the nth matching request (1-based) fires; nil: every one.
    var nth: Int64?
    var effect: Effect
    var probability: Double?
    var seed: Int64?
    /// Requests that matched, and those the rule fired on.
    var matches: Int64 = 0
    var hits: Int64 = 0
    /// The SplitMix64 state, seeded from `seed`.
    var generator: SplitMix64?

    /// Counts a request that matched and says whether the rule fires on it.
    mutating func fires() -> Bool {
        matches += 1
        if let nth, matches != nth { return false }
        if let probability, var g = generator {
            let draw = g.nextUnitDouble()
            generator = g
            if draw >= probability { return false }
        }
        hits += 1
        return true
    }

    func applies(to name: String, resource id: String) -> Bool {
        (operation == "*" || operation.lowercased() == name.lowercased()) && Self.glob(resource, matches: id)
    }

    /// `pattern` matches all of `text`, ASCII case-insensitively; `*` any run (slashes too), `?` one character.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.lowercased().utf8)
        let t = Array(text.lowercased().utf8)
        var i = 0
        var j = 0
        var star: Int?
        var resume = 0
        while j < t.count {
            if i < p.count, p[i] == UInt8(ascii: "?") || p[i] == t[j] {
                i += 1
                j += 1
            } else if i < p.count, p[i] == UInt8(ascii: "*") {
                star = i
                resume = j
                i += 1
            } else if let s = star {
                i = s + 1
                resume += 1
                j = resume
            } else {
                return false
            }
        }
        while i < p.count, p[i] == UInt8(ascii: "*") { i += 1 }
        return i == p.count
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator, so a seeded probability repeats exactly.
struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1) from the top 53 bits.
    mutating func nextUnitDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

// MARK: JSON

extension FaultRule {
    /// The rule as `GET /_emulator/faults` shows it; `stored` adds the generator state kept in the store.
    func json(stored: Bool = false) -> JSON {
        var match: JSONObject = ["operation": .string(operation), "resource": .string(resource)]
        if let nth { match["nth"] = .int(nth) }
        var o: JSONObject = ["id": .string(id), "match": .object(match), "effect": effectJSON]
        if let probability { o["probability"] = .double(probability) }
        if let seed { o["seed"] = .int(seed) }
        o["matches"] = .int(matches)
        o["hits"] = .int(hits)
        if stored, let generator { o["generatorState"] = .int(Int64(bitPattern: generator.state)) }
        return .object(o)
    }

    private var effectJSON: JSON {
        switch effect {
        case .status(let e):
            return ["status": .int(Int64(e.status)), "code": .string(e.code), "message": .string(e.message)]
        case .failOperation(let code, let message):
            return ["failOperation": ["code": .string(code), "message": .string(message)]]
        case .delay(let seconds):
            return ["delaySeconds": .double(seconds)]
        }
    }

    /// A rule read back from the store; nil when the document is not one this version wrote.
    init?(stored json: JSON) {
        let body = (json.objectValue ?? JSONObject()).filter { Self.bodyFields.contains($0.key) }
            .map { ($0.key, $0.value) }
        guard let rule = try? Self(body: JSONObject(body), id: json["id"]?.stringValue ?? "") else { return nil }
        self = rule
        matches = json["matches"]?.intValue ?? 0
        hits = json["hits"]?.intValue ?? 0
        if generator != nil, let state = json["generatorState"]?.intValue {
            generator = SplitMix64(seed: UInt64(bitPattern: state))
        }
    }

    /// The members a `POST /_emulator/faults` body may have.
    static let bodyFields = ["match", "effect", "probability", "seed"]

    /// Parses a `POST /_emulator/faults` body. Every problem is 400 `InvalidParameter` naming the field.
    init(body: JSONObject, id: String) throws(ARMError) {
        try Self.onlyKnown(body, Self.bodyFields, at: "")
        let match = try Self.object(body["match"], "match")
        try Self.onlyKnown(match, ["operation", "resource", "nth"], at: "match.")
        guard let op = match["operation"]?.stringValue else {
            throw .invalidParameter(
                "match.operation is required: one of \(FaultOperation.vocabulary.joined(separator: ", ")) or '*'.",
                target: "match.operation")
        }
        guard let canonical = FaultOperation.canonical(op) else {
            throw .invalidParameter(
                "match.operation '\(op)' is not an operation rpemu knows; use one of "
                    + "\(FaultOperation.vocabulary.joined(separator: ", ")) or '*'.", target: "match.operation")
        }
        var resource = "*"
        if let r = match["resource"] {
            guard let s = r.stringValue, !s.isEmpty else {
                throw .invalidParameter("match.resource must be a non-empty glob string.", target: "match.resource")
            }
            resource = s
        }
        var nth: Int64?
        if let n = match["nth"] {
            guard let v = n.intValue, v >= 1 else {
                throw .invalidParameter("match.nth must be an integer, 1 or more.", target: "match.nth")
            }
            nth = v
        }
        let effect = try Self.effect(Self.object(body["effect"], "effect"), id: id)
        if case .failOperation = effect, canonical != "*", canonical != FaultOperation.restorePointCreate {
            throw .invalidParameter(
                "effect.failOperation applies to '\(FaultOperation.restorePointCreate)' only (or '*', which then "
                    + "means restore point creations).", target: "match.operation")
        }
        var probability: Double?
        if let p = body["probability"] {
            guard let v = p.doubleValue, v >= 0, v <= 1 else {
                throw .invalidParameter("probability must be a number from 0 to 1.", target: "probability")
            }
            probability = v
        }
        var seed: Int64?
        if let s = body["seed"] {
            guard let v = s.intValue else { throw .invalidParameter("seed must be an integer.", target: "seed") }
            seed = v
        }
        if probability != nil, seed == nil {
            throw .invalidParameter(
                "probability needs a seed (an integer), so that the rule fires the same way on every run.",
                target: "seed")
        }
        self.init(
            id: id, operation: canonical, resource: resource, nth: nth, effect: effect, probability: probability,
            seed: seed, generator: probability == nil ? nil : seed.map { SplitMix64(seed: UInt64(bitPattern: $0)) })
    }

    private static func effect(_ o: JSONObject, id: String) throws(ARMError) -> Effect {
        let kinds = ["status", "failOperation", "delaySeconds"].filter { o[$0] != nil }
        guard kinds.count == 1 else {
            throw .invalidParameter(
                "effect needs exactly one of 'status' (with 'code', 'message'), 'failOperation' or 'delaySeconds'.",
                target: "effect")
        }
        let injected = "Injected by rpemu fault rule \(id)."
        switch kinds[0] {
        case "status":
            try onlyKnown(o, ["status", "code", "message"], at: "effect.")
            guard let status = o["status"]?.intValue, (400...599).contains(status) else {
                throw .invalidParameter(
                    "effect.status must be an HTTP error status, 400 to 599.", target: "effect.status")
            }
            let code = try string(o["code"], "effect.code") ?? defaultCode(status)
            let message = try string(o["message"], "effect.message") ?? injected
            return .status(ARMError(status: Int(status), code: code, message: message))
        case "failOperation":
            try onlyKnown(o, ["failOperation"], at: "effect.")
            let f = try object(o["failOperation"], "effect.failOperation")
            try onlyKnown(f, ["code", "message"], at: "effect.failOperation.")
            return .failOperation(
                code: try string(f["code"], "effect.failOperation.code") ?? "InternalOperationError",
                message: try string(f["message"], "effect.failOperation.message") ?? injected)
        default:
            try onlyKnown(o, ["delaySeconds"], at: "effect.")
            guard let s = o["delaySeconds"]?.doubleValue, s > 0, s <= maxDelaySeconds else {
                throw .invalidParameter(
                    "effect.delaySeconds must be a number of real seconds above 0 and at most "
                        + "\(Int(maxDelaySeconds)).", target: "effect.delaySeconds")
            }
            return .delay(seconds: s)
        }
    }

    private static func defaultCode(_ status: Int64) -> String {
        switch status {
        case 400: "BadRequest"
        case 404: "NotFound"
        case 409: "Conflict"
        case 429: "TooManyRequests"
        case 500: "InternalServerError"
        case 502: "BadGateway"
        case 503: "ServiceUnavailable"
        case 504: "GatewayTimeout"
        default: "InjectedFault"
        }
    }

    private static func object(_ v: JSON?, _ field: String) throws(ARMError) -> JSONObject {
        guard let o = v?.objectValue else {
            throw .invalidParameter("\(field) is required and must be an object.", target: field)
        }
        return o
    }

    private static func string(_ v: JSON?, _ field: String) throws(ARMError) -> String? {
        guard let v, v != .null else { return nil }
        guard let s = v.stringValue, !s.isEmpty else {
            throw .invalidParameter("\(field) must be a non-empty string.", target: field)
        }
        return s
    }

    private static func onlyKnown(_ o: JSONObject, _ known: [String], at prefix: String) throws(ARMError) {
        for key in o.keys where !known.contains(where: { $0.lowercased() == key.lowercased() }) {
            throw .invalidParameter("\(prefix)\(key) is not a fault rule field.", target: prefix + key)
        }
    }
}
