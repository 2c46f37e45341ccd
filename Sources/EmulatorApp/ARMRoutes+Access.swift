import ARMKit
import EmuHTTP

extension ARMRoutes {
    /// Grant and revoke read access on disk restore points (DiskRP versions), CONTRACT.md §2, §5.4. The SAS URL a
    /// grant hands out is served by the control plane (`SASBlobServer`).
    static func addAccess(_ r: inout ARMRouter, _ app: AppContext, rp: String) {
        let access = AccessService(app: app)
        let points = RestorePointService(app: app)
        let drp = rp + "/diskRestorePoints/{diskRestorePointName}"
        @Sendable func rpID(_ q: ARMRequest) -> ResourceID {
            points.id(q["subscriptionId"], q["resourceGroupName"], q["collectionName"], q["restorePointName"])
        }
        r.add(.post, drp + "/beginGetAccess", family: .disk) { q throws(ARMError) in
            try access.grant(CallContext(q), rpID: rpID(q), name: q["diskRestorePointName"], body: q.body())
        }
        r.add(.post, drp + "/endGetAccess", family: .disk) { q throws(ARMError) in
            try access.revoke(CallContext(q), rpID: rpID(q), name: q["diskRestorePointName"])
        }
    }
}
