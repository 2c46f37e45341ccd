import ARMKit
import EmuCore
import EmuHTTP
import EmulatorStore
import RestorePointEngine

/// What every service shares: the store, the clock, the configuration and the logger.
final class AppContext: Sendable {
    let db: Database
    let clock: ClockService
    let config: EmulatorConfig
    let logger: Logger
    /// The fault rules (CONTRACT.md §8.4).
    let faults: FaultInjector
    /// Restore point and collection documents kept between reads while they hold (`keptRender`).
    let renders = RenderCache()

    init(db: Database, clock: ClockService, config: EmulatorConfig, logger: Logger) {
        self.db = db
        self.clock = clock
        self.config = config
        self.logger = logger
        self.faults = FaultInjector(db: db, logger: logger)
    }

    /// The id of the resource group, which must exist and not be deleting (CONTRACT.md §7).
    @discardableResult
    func requireResourceGroup(_ tx: ReadTransaction, subscription: String, name: String, now: Timestamp)
        throws(ARMError) -> ResourceID
    {
        let id = ResourceID(subscription: subscription, resourceGroup: name)
        guard let (stored, _) = try liveBody(tx, id, now: now) else { throw .resourceGroupNotFound(name) }
        if stored.provisioning.deleteAt != nil {
            let shown = stored.arm["name"]?.stringValue ?? name
            throw ARMError(
                status: 409, code: "ResourceGroupBeingDeleted",
                message: "The resource group '\(shown)' is in deprovisioning state and cannot perform this operation.")
        }
        return id
    }

    /// The stored body of `id` when it exists at `now`, with the version of its text (`BodyVersion`), read without
    /// the record's other columns.
    func liveBody(_ tx: ReadTransaction, _ id: ResourceID, now: Timestamp) throws(ARMError) -> (
        stored: StoredResource, version: BodyVersion?
    )? {
        guard let (body, version) = try store(tx.resourceBody(key: id.key)), let stored = StoredResource(body),
            stored.provisioning.exists(at: now)
        else { return nil }
        return (stored, version)
    }

    /// A live resource (created and not past its delete), or nil.
    func live(_ tx: ReadTransaction, _ id: ResourceID, now: Timestamp) throws(ARMError) -> (
        ResourceRecord, StoredResource
    )? {
        guard let record = try store(tx.resource(key: id.key)), let stored = record.stored,
            stored.provisioning.exists(at: now)
        else { return nil }
        return (record, stored)
    }

    /// 404 for a resource under an existing resource group (CONTRACT.md §7).
    func notFound(_ id: ResourceID) -> ARMError {
        let typePath =
            ([id.namespace ?? ""] + id.steps.dropLast().flatMap { [$0.type, $0.name] } + [id.steps.last?.type ?? ""])
            .joined(separator: "/")
        return .resourceNotFound(type: typePath, name: id.name, resourceGroup: id.resourceGroup ?? "")
    }

    /// A record for `id` with its indexed columns filled from the id.
    func record(
        _ id: ResourceID, type: String, location: String?, createdAt: Timestamp, now: Timestamp, body: StoredResource
    )
        -> ResourceRecord
    {
        ResourceRecord(
            key: id.key, id: id.string, subscription: id.subscription.lowercased(),
            resourceGroup: id.resourceGroup?.lowercased(), type: ResourceType.key(type),
            parentKey: id.parent?.key ?? "", name: id.name, location: location, createdAt: createdAt, updatedAt: now,
            body: body.json)
    }

    /// Writes `stored` back into `record`; returns the record as written. Only the body and `updatedAt` change,
    /// so a stored record takes an update of its row alone; one not stored (yet) is inserted whole.
    @discardableResult
    func save(_ tx: WriteTransaction, _ record: ResourceRecord, _ stored: StoredResource, now: Timestamp)
        throws(ARMError) -> ResourceRecord
    {
        var r = record
        r.body = stored.json
        r.updatedAt = now
        if try !store(tx.updateBody(of: r)) { try store(tx.upsert(r)) }
        return r
    }

    /// Starts a delete (CONTRACT.md §5.1): the resource reads `Deleting` until the returned time, then is gone. A
    /// second delete keeps the first deadline.
    func markDeleting(_ tx: WriteTransaction, _ record: ResourceRecord, _ stored: StoredResource, now: Timestamp)
        throws(ARMError) -> Timestamp
    {
        if let deleteAt = stored.provisioning.deleteAt { return deleteAt }
        var s = stored
        let deleteAt = now.adding(seconds: config.timings.delete)
        s.provisioning.deleteAt = deleteAt
        try save(tx, record, s, now: now)
        return deleteAt
    }

    /// Maps a store call's error.
    func store<T>(_ value: @autoclosure () throws(StoreError) -> T) throws(ARMError) -> T {
        do { return try value() } catch {
            logger.error("store failure: \(error)")
            throw ARMError(status: 500, code: "InternalServerError", message: "The emulator's store failed: \(error).")
        }
    }

    /// Records an operation that ends at `end` and returns the headers that announce it (CONTRACT.md §3).
    /// A failed operation stores its error as `{"code","message","status"}`; `result` is what the monitor URL
    /// answers when it is not the resource itself (a grant's `accessSAS`).
    func startOperation(
        _ tx: WriteTransaction, _ call: CallContext, kind: String, resource: ResourceID, location: String,
        start: Timestamp, end: Timestamp, failure: ARMError? = nil, result: JSON? = nil
    ) throws(ARMError) -> HTTPHeaders {
        let error: JSON? = failure.map { e in
            ["code": .string(e.code), "message": .string(e.message), "status": .int(Int64(e.status))]
        }
        let op = OperationRecord(
            id: call.requestID, subscription: resource.subscription.lowercased(), location: location, kind: kind,
            resourceKey: resource.key, apiVersion: call.apiVersion.requested, startTime: start, endTime: end,
            outcome: failure == nil ? "Succeeded" : "Failed", error: error, result: result)
        try store(tx.insert(op))
        return AsyncOperationLinks.headers(
            baseURL: call.baseURL, subscription: resource.subscription, location: location, operationID: op.id,
            apiVersion: call.apiVersion.requested, retryAfter: config.retryAfter)
    }

    /// One page of rendered resources; `render` returns nil for records that no longer exist.
    func page(
        _ records: [ResourceRecord], size: Int, call: ARMRequest, render: (ResourceRecord) -> JSON?
    ) -> ARMResponse {
        let hasMore = records.count > size
        let shown = records.prefix(size)
        return Page.response(call, items: shown.compactMap(render), lastKey: shown.last?.key, hasMore: hasMore)
    }
}
