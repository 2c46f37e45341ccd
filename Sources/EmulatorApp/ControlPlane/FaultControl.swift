import ARMKit
import EmuCore
import EmuHTTP

/// `/_emulator/faults` (CONTRACT.md §8.4, docs/faults.md): add, list and remove fault rules.
struct FaultControl: Sendable {
    let app: AppContext

    /// `POST /_emulator/faults` → 201 with the rule.
    func add(_ request: HTTPRequest) throws(ARMError) -> ARMResponse {
        let body = try ARMRequest.parseBody(request.body)
        let rule = try FaultRule(body: body.object, id: GUID.make())
        return ARMResponse(status: 201, body: try app.faults.add(rule).json())
    }

    /// `GET /_emulator/faults` → the rules in the order they apply, with `matches` and `hits`.
    func list() -> ARMResponse {
        ARMResponse(status: 200, body: ["value": .array(app.faults.rules.map { $0.json() })])
    }

    /// `DELETE /_emulator/faults` (all) or `DELETE /_emulator/faults/{id}` (one; unknown → 404).
    func remove(id: String?) throws(ARMError) -> ARMResponse {
        let removed = try app.faults.remove(id: id)
        if let id, removed == 0 {
            throw ARMError(status: 404, code: "NotFound", message: "No fault rule has the id '\(id)'.")
        }
        return ARMResponse(status: 200, body: ["deleted": .int(Int64(removed))])
    }
}
