import ARMKit
import EmuCore
import EmulatorStore
import RestorePointEngine

/// A read SAS on a disk restore point (CONTRACT.md §5.4). Stored as a record under the DRP's id
/// (`{drp}/accessGrants/current`, type `rpemu/accessgrants`), so it survives a restart and goes with the subtree
/// when its collection or resource group is deleted. Times are emulated.
struct AccessGrant: Equatable {
    /// The URL path segment that names the grant: `/_emulator/sas/{token}/{drp}.vhd`.
    var token: String
    var diskRestorePointID: String
    var diskRestorePointName: String
    var diskSizeGB: Int64
    var grantedAt: Timestamp
    var expiresAt: Timestamp
    /// Set by `endGetAccess`.
    var revokedAt: Timestamp?

    /// Unexpired and not revoked at `now`.
    func isActive(at now: Timestamp) -> Bool { revokedAt == nil && now < expiresAt }

    var json: JSON {
        var o = JSONObject()
        o["token"] = .string(token)
        o["diskRestorePointId"] = .string(diskRestorePointID)
        o["diskRestorePointName"] = .string(diskRestorePointName)
        o["diskSizeGB"] = .int(diskSizeGB)
        o["grantedAt"] = .int(grantedAt.ticks)
        o["expiresAt"] = .int(expiresAt.ticks)
        if let revokedAt { o["revokedAt"] = .int(revokedAt.ticks) }
        return .object(o)
    }

    init(
        token: String, diskRestorePointID: String, diskRestorePointName: String, diskSizeGB: Int64,
        grantedAt: Timestamp, expiresAt: Timestamp, revokedAt: Timestamp? = nil
    ) {
        self.token = token
        self.diskRestorePointID = diskRestorePointID
        self.diskRestorePointName = diskRestorePointName
        self.diskSizeGB = diskSizeGB
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    init?(_ stored: StoredResource) {
        let j = stored.internalFacts["grant"] ?? .null
        guard let token = j["token"]?.stringValue, let id = j["diskRestorePointId"]?.stringValue,
            let name = j["diskRestorePointName"]?.stringValue, let size = j["diskSizeGB"]?.intValue,
            let granted = j["grantedAt"]?.intValue, let expires = j["expiresAt"]?.intValue
        else { return nil }
        self.init(
            token: token, diskRestorePointID: id, diskRestorePointName: name, diskSizeGB: size,
            grantedAt: Timestamp(ticks: granted), expiresAt: Timestamp(ticks: expires),
            revokedAt: j["revokedAt"]?.intValue.map { Timestamp(ticks: $0) })
    }
}

/// `beginGetAccess` / `endGetAccess` on disk restore points (CONTRACT.md §5.4), and the rule that a restore point
/// with an active SAS cannot be deleted.
struct AccessService: Sendable {
    let app: AppContext

    static let grantType = "rpemu/accessGrants"
    /// Azure's `durationInSeconds` is an int32.
    static let maxDuration = Int64(Int32.max)
    static let usedByCustomer =
        "There is an active shared access signature outstanding for disk restore point. Call EndGetAccess before "
        + "deleting the restore point."

    static func grantID(_ drp: ResourceID) -> ResourceID { drp.child(type: "accessGrants", name: "current") }

    /// POST `.../diskRestorePoints/{drp}/beginGetAccess` `{"access":"Read","durationInSeconds":n}`: 202 LRO whose
    /// result is `{"accessSAS": url}`. The SAS works from the request on, for `durationInSeconds` of emulated time.
    func grant(_ call: CallContext, rpID: ResourceID, name: String, body: ARMBody) throws(ARMError) -> ARMResponse {
        let access = try body.string("access")
        guard let access, access.lowercased() == "read" else {
            let given = access.map { "'\($0)' was given" } ?? "it is missing"
            throw .invalidParameter(
                "Disk restore points can only be read: 'access' must be 'Read'; \(given).", target: "access")
        }
        guard let duration = try body.int("durationInSeconds"), (1...Self.maxDuration).contains(duration) else {
            throw .invalidParameter(
                "'durationInSeconds' must be an integer between 1 and \(Self.maxDuration).",
                target: "durationInSeconds")
        }
        let now = app.clock.now()
        return try app.db.write { tx throws(ARMError) in
            let drp = try requireDiskRestorePoint(tx, rpID: rpID, name: name, now: now)
            let state = drp.state(at: now)
            guard state.allowsAccess else {
                throw .operationNotAllowed(
                    "Disk restore point '\(drp.disk.name)' is \(state.rawValue), which \(state.allowedActions): "
                        + "granting access needs AvailableWithInstantAccess or Available.")
            }
            let grant = AccessGrant(
                token: GUID.make().filter { $0 != "-" }, diskRestorePointID: drp.id.string,
                diskRestorePointName: drp.disk.name, diskSizeGB: drp.disk.diskSizeGB, grantedAt: now,
                expiresAt: now.adding(seconds: Double(duration)))
            let url = Self.sasURL(grant, baseURL: call.baseURL)
            try save(tx, grant, drp: drp.id, now: now, url: url)
            let headers = try app.startOperation(
                tx, call, kind: "diskRestorePoints.beginGetAccess", resource: drp.id, location: drp.location,
                start: now, end: now.adding(seconds: app.config.timings.resourceCreate),
                result: ["accessSAS": .string(url)])
            return ARMResponse(status: 202, headers: headers)
        }
    }

    /// POST `.../diskRestorePoints/{drp}/endGetAccess`: 202 LRO with an empty result; the SAS stops working at once.
    /// Revoking without a grant succeeds too.
    func revoke(_ call: CallContext, rpID: ResourceID, name: String) throws(ARMError) -> ARMResponse {
        let now = app.clock.now()
        return try app.db.write { tx throws(ARMError) in
            let drp = try requireDiskRestorePoint(tx, rpID: rpID, name: name, now: now)
            if let (record, stored) = try app.live(tx, Self.grantID(drp.id), now: now), var grant = AccessGrant(stored),
                grant.revokedAt == nil
            {
                grant.revokedAt = now
                var updated = stored
                updated.internalFacts["grant"] = grant.json
                var props = updated.properties
                props["revoked"] = true
                updated.arm["properties"] = .object(props)
                try app.save(tx, record, updated, now: now)
            }
            let headers = try app.startOperation(
                tx, call, kind: "diskRestorePoints.endGetAccess", resource: drp.id, location: drp.location,
                start: now, end: now.adding(seconds: app.config.timings.resourceCreate))
            return ARMResponse(status: 202, headers: headers)
        }
    }

    /// 409 `DiskRestorePointUsedByCustomer` when a disk restore point of the restore point has an active SAS.
    func refuseDeleteWhileShared(_ tx: ReadTransaction, rpID: ResourceID, stored: StoredResource, now: Timestamp)
        throws(ARMError)
    {
        guard let facts = RestorePointFacts(json: stored.internalFacts["facts"] ?? .null) else { return }
        for disk in facts.disks {
            let id = Self.grantID(rpID.child(type: "diskRestorePoints", name: disk.name))
            guard let (_, g) = try app.live(tx, id, now: now), let grant = AccessGrant(g), grant.isActive(at: now)
            else { continue }
            throw ARMError(status: 409, code: "DiskRestorePointUsedByCustomer", message: Self.usedByCustomer)
        }
    }

    /// The grant whose token is `token`, with the record it is stored in. Grants are few: every subscription's
    /// are read.
    func grant(token: String) throws(ARMError) -> (ResourceRecord, AccessGrant)? {
        try app.db.read { tx throws(ARMError) in
            for sub in try app.store(tx.subscriptions()) {
                let records = try app.store(
                    tx.resources(
                        type: ResourceType.key(Self.grantType), subscription: sub.subscriptionId.lowercased()))
                for r in records {
                    if let s = r.stored, let g = AccessGrant(s), g.token == token { return (r, g) }
                }
            }
            return nil
        }
    }

    /// Whether the restore point holding the grant's disk restore point still exists and is not being deleted.
    func diskRestorePointExists(_ grant: AccessGrant, now: Timestamp) throws(ARMError) -> Bool {
        guard let id = ResourceID.parse(grant.diskRestorePointID), let rpID = id.parent else { return false }
        return try app.db.read { tx throws(ARMError) in
            try DiskRestorePointService(app: app).resolve(tx, rpID: rpID, name: id.name, now: now) != nil
        }
    }

    /// `{base}/_emulator/sas/{token}/{drp}.vhd?sv=2018-03-28&sr=b&sp=r&se={expiry}&sig={random}`. Only the token
    /// is checked when the URL is used; `sig` is decoration in Azure's shape.
    static func sasURL(_ grant: AccessGrant, baseURL: String) -> String {
        let expiry = String(grant.expiresAt.iso8601.prefix(19)).replacingColons() + "Z"
        let sig = GUID.make().filter { $0 != "-" }
        return "\(baseURL)/_emulator/sas/\(grant.token)/\(grant.diskRestorePointName).vhd?sv=2018-03-28&sr=b&sp=r"
            + "&se=\(expiry)&sig=\(sig)%3D"
    }

    private func requireDiskRestorePoint(_ tx: ReadTransaction, rpID: ResourceID, name: String, now: Timestamp)
        throws(ARMError) -> ResolvedDiskRestorePoint
    {
        try app.requireResourceGroup(tx, subscription: rpID.subscription, name: rpID.resourceGroup ?? "", now: now)
        guard let drp = try DiskRestorePointService(app: app).resolve(tx, rpID: rpID, name: name, now: now) else {
            guard let rpc = rpID.parent, try app.live(tx, rpc, now: now) != nil else {
                throw app.notFound(rpID.parent ?? rpID)
            }
            guard try app.live(tx, rpID, now: now) != nil else { throw app.notFound(rpID) }
            throw app.notFound(rpID.child(type: "diskRestorePoints", name: name))
        }
        return drp
    }

    /// Stores the grant, replacing an earlier one of the same disk restore point (its token stops working).
    private func save(_ tx: WriteTransaction, _ grant: AccessGrant, drp: ResourceID, now: Timestamp, url: String)
        throws(ARMError)
    {
        let id = Self.grantID(drp)
        var props = JSONObject()
        props["accessSAS"] = .string(url)
        props["expiresAt"] = .string(grant.expiresAt.iso8601)
        props["diskSizeGB"] = .int(grant.diskSizeGB)
        props["revoked"] = false
        let arm: JSONObject = [
            "id": .string(id.string), "name": .string(id.name), "type": .string(Self.grantType),
            "properties": .object(props),
        ]
        let stored = StoredResource(
            arm: arm, provisioning: Provisioning(phase: .creating, readyAt: now), internalFacts: ["grant": grant.json])
        try app.store(
            tx.upsert(app.record(id, type: Self.grantType, location: nil, createdAt: now, now: now, body: stored)))
    }
}

extension String {
    /// `:` as `%3A`, as Azure writes times in SAS query strings.
    fileprivate func replacingColons() -> String {
        var out = ""
        for c in self { out += c == ":" ? "%3A" : String(c) }
        return out
    }
}
