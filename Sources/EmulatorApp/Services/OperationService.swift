import ARMKit
import EmuCore
import EmuHTTP
import EmulatorStore

/// Long-running operation status and monitor URLs (CONTRACT.md §3). An operation's state is a function of its
/// stored end time and the emulated now, the same deadline its resource uses, so the resource reads
/// `Succeeded` as soon as the operation does.
struct OperationService: Sendable {
    let app: AppContext

    func get(_ request: ARMRequest, subscription: String, location: String, operationID: String) throws(ARMError)
        -> ARMResponse
    {
        let now = app.clock.now()
        let monitor = request.http.queryValue("monitor")?.lowercased() == "true"
        return try app.db.read { tx throws(ARMError) in
            guard let op = try app.store(tx.operation(id: operationID.lowercased())),
                op.subscription == subscription.lowercased()
            else {
                throw ARMError(
                    status: 404, code: "ResourceNotFound",
                    message: "The operation '\(operationID)' was not found in location '\(location)'.")
            }
            let done = now >= op.endTime
            let error = op.error.map(Self.armError)
            let state: OperationStatus.State =
                !done
                ? .inProgress : (op.outcome == "Failed" ? .failed : op.outcome == "Canceled" ? .canceled : .succeeded)
            guard monitor else {
                let status = OperationStatus(
                    name: op.id, state: state, startTime: op.startTime, endTime: op.endTime, error: error)
                // While running, say when to ask again: clients take the delay from the latest answer, and
                // without one fall back to their default (30 s in the SDK and az, reference/clients.md §3).
                var headers = HTTPHeaders()
                if !done { AsyncOperationLinks.addRetryAfter(app.config.retryAfter, to: &headers) }
                return ARMResponse(status: 200, body: status.json, headers: headers)
            }
            guard done else {
                var headers = HTTPHeaders()
                headers.add("Location", request.baseURL + request.http.target)
                AsyncOperationLinks.addRetryAfter(app.config.retryAfter, to: &headers)
                return ARMResponse(status: 202, headers: headers)
            }
            if state == .failed, let error { throw error }
            return try finalResult(tx, op, call: CallContext(request), now: now)
        }
    }

    /// What the monitor URL answers once done: the resource for a PUT, the stored result for an action, an empty
    /// body for a delete (reference/clients.md §3).
    private func finalResult(_ tx: ReadTransaction, _ op: OperationRecord, call: CallContext, now: Timestamp)
        throws(ARMError) -> ARMResponse
    {
        if let result = op.result { return ARMResponse(status: 200, body: result) }
        guard op.kind.hasSuffix(".put"), let id = ResourceID.parse(op.resourceKey) else {
            return ARMResponse(status: 200)
        }
        guard let (record, stored) = try app.live(tx, id, now: now) else { return ARMResponse(status: 200) }
        let shownID = ResourceID.parse(record.id) ?? id
        switch op.kind {
        case "disks.put": return ARMResponse(status: 200, body: DiskService.render(stored, at: now))
        case "restorePoints.put":
            return ARMResponse(
                status: 200,
                body: RestorePointService(app: app).render(stored, id: shownID, at: now, call: call, expand: false))
        default: break
        }
        return ARMResponse(status: 200, body: stored.rendered(at: now).map(JSON.object))
    }

    /// A stored `{"code","message","status"}` as the ARM error it stands for.
    static func armError(_ json: JSON) -> ARMError {
        ARMError(
            status: Int(json["status"]?.intValue ?? 400), code: json["code"]?.stringValue ?? "OperationFailed",
            message: json["message"]?.stringValue ?? "The operation failed.", target: json["target"]?.stringValue)
    }
}
