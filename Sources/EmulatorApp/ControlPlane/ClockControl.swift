import ARMKit
import EmuCore
import EmuHTTP
import EmulatorStore
import RestorePointEngine

/// `GET/POST /_emulator/clock` (CONTRACT.md §8.1): read and move emulated time; a move answers with the state
/// changes it caused, in time order, with their causes, every one of them, streamed (`ClockChangeStream`).
struct ClockControl: Sendable {
    let app: AppContext

    func read() -> ARMResponse { ARMResponse(status: 200, body: .object(state())) }

    func move(_ body: ARMBody) throws(ARMError) -> ARMResponse {
        let before = app.clock.now()
        let change = try parse(body)
        let updated: EmulatedClock
        do {
            updated = try app.clock.update(change)
        } catch {
            switch error {
            case .backwards:
                throw .invalidParameter(
                    "Emulated time never moves backwards: give a time later than now (\(before.iso8601)).",
                    target: "now")
            case .invalidScale:
                throw .invalidParameter("scale must be a number ≥ 0.", target: "scale")
            }
        }
        let after = app.clock.now()
        try app.db.write { tx throws(ARMError) in try app.store(tx.save(clock: updated)) }
        app.logger.info(
            "clock: \(before.iso8601) → \(after.iso8601) (scale \(updated.scale), frozen \(updated.frozen))")
        let stream = ClockChangeStream(app: app, state: state(), after: before, through: after)
        return ARMResponse(
            status: 200, headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]), stream: stream)
    }

    /// `now`, `scale`, `frozen`.
    private func state() -> JSONObject {
        let c = app.clock.value
        var o = JSONObject()
        o["now"] = .string(app.clock.now().iso8601)
        o["scale"] = .double(c.scale)
        o["frozen"] = .bool(c.frozen)
        return o
    }

    /// One of `advance` (ISO 8601 duration), `advanceSeconds`, `now`, `scale`, `frozen`.
    private func parse(_ body: ARMBody) throws(ARMError)
        -> @Sendable (inout EmulatedClock, Timestamp) throws(ClockError) -> Void
    {
        if let text = try body.string("advance") {
            guard let seconds = ISODuration.seconds(text), seconds >= 0 else {
                throw .invalidParameter(
                    "advance takes an ISO 8601 duration such as PT2H or P1DT30M, not '\(text)'.", target: "advance")
            }
            return { c, real throws(ClockError) in try c.advance(bySeconds: seconds, real: real) }
        }
        if let v = body.value("advanceSeconds") {
            guard let seconds = v.doubleValue, seconds >= 0 else {
                throw .invalidParameter("advanceSeconds takes a number of seconds ≥ 0.", target: "advanceSeconds")
            }
            return { c, real throws(ClockError) in try c.advance(bySeconds: seconds, real: real) }
        }
        if let text = try body.string("now") {
            guard let target = Timestamp(iso8601: text) else {
                throw .invalidParameter(
                    "now takes an ISO 8601 time such as 2026-04-24T12:00:00Z, not '\(text)'.", target: "now")
            }
            return { c, real throws(ClockError) in try c.set(now: target, real: real) }
        }
        if let v = body.value("scale") {
            guard let scale = v.doubleValue else {
                throw .invalidParameter("scale takes a number ≥ 0.", target: "scale")
            }
            return { c, real throws(ClockError) in try c.set(scale: scale, real: real) }
        }
        if let frozen = try body.bool("frozen") {
            return { c, real throws(ClockError) in c.set(frozen: frozen, real: real) }
        }
        throw .invalidParameter(
            "Give one of advance (ISO 8601 duration), advanceSeconds, now, scale or frozen.", target: "advance")
    }
}
