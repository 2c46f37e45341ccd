import ARMKit
import EmuHTTP

/// The ARM route table (CONTRACT.md §2): each route adapts HTTP to a service call.
enum ARMRoutes {
    static let rg = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
    static let cp = rg + "/providers/Microsoft.Compute"

    static func router(_ app: AppContext) -> ARMRouter {
        var r = ARMRouter(
            unmatchedHint: "rpemu serves Microsoft.Resources (subscriptions, resourceGroups) and Microsoft.Compute "
                + "(virtualMachines, disks, restorePointCollections, restorePoints, diskRestorePoints, operations); see docs/routes.md."
        )
        let subs = SubscriptionService(app: app)
        let groups = ResourceGroupService(app: app)
        let vms = VirtualMachineService(app: app)
        let disks = DiskService(app: app)
        let rpcs = CollectionService(app: app)
        let ops = OperationService(app: app)

        r.add(.get, "/subscriptions", family: .any) { _ throws(ARMError) in try subs.list() }
        r.add(.get, "/subscriptions/{subscriptionId}", family: .any) { q throws(ARMError) in
            try subs.get(q["subscriptionId"])
        }

        r.add(.get, "/subscriptions/{subscriptionId}/resourcegroups", family: .any) { q throws(ARMError) in
            try groups.list(q, subscription: q["subscriptionId"])
        }
        r.add(.put, rg, family: .any) { q throws(ARMError) in
            try groups.createOrUpdate(
                CallContext(q), subscription: q["subscriptionId"], name: q["resourceGroupName"], body: q.body())
        }
        r.add(.get, rg, family: .any) { q throws(ARMError) in
            try groups.get(subscription: q["subscriptionId"], name: q["resourceGroupName"])
        }
        r.add(.head, rg, family: .any) { q throws(ARMError) in
            try groups.exists(subscription: q["subscriptionId"], name: q["resourceGroupName"])
        }
        r.add(.delete, rg, family: .any) { q throws(ARMError) in
            try groups.delete(CallContext(q), subscription: q["subscriptionId"], name: q["resourceGroupName"])
        }

        let vm = cp + "/virtualMachines/{vmName}"
        r.add(.get, cp + "/virtualMachines", family: .compute) { q throws(ARMError) in
            try vms.list(q, subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"])
        }
        r.add(.put, vm, family: .compute) { q throws(ARMError) in
            try vms.createOrUpdate(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                name: q["vmName"],
                body: q.body())
        }
        r.add(.get, vm, family: .compute) { q throws(ARMError) in
            try vms.get(subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"], name: q["vmName"])
        }
        r.add(.delete, vm, family: .compute) { q throws(ARMError) in
            try vms.delete(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                name: q["vmName"])
        }

        let disk = cp + "/disks/{diskName}"
        r.add(.get, cp + "/disks", family: .disk) { q throws(ARMError) in
            try disks.list(q, subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"])
        }
        r.add(.put, disk, family: .disk) { q throws(ARMError) in
            try disks.createOrUpdate(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                name: q["diskName"],
                body: q.body())
        }
        r.add(.get, disk, family: .disk) { q throws(ARMError) in
            try disks.get(subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"], name: q["diskName"])
        }
        r.add(.delete, disk, family: .disk) { q throws(ARMError) in
            try disks.delete(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                name: q["diskName"])
        }

        let rpc = cp + "/restorePointCollections/{collectionName}"
        r.add(.get, cp + "/restorePointCollections", family: .compute) { q throws(ARMError) in
            try rpcs.list(q, subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"])
        }
        r.add(
            .get, "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/restorePointCollections",
            family: .compute
        ) {
            q throws(ARMError) in try rpcs.list(q, subscription: q["subscriptionId"], resourceGroup: nil)
        }
        r.add(.put, rpc, family: .compute) { q throws(ARMError) in
            try rpcs.createOrUpdate(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                name: q["collectionName"], body: q.body())
        }
        r.add(.patch, rpc, family: .compute) { q throws(ARMError) in
            try rpcs.patch(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                name: q["collectionName"], body: q.body())
        }
        r.add(.get, rpc, family: .compute) { q throws(ARMError) in
            try rpcs.get(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                name: q["collectionName"], expand: q.http.queryValue("$expand"))
        }
        r.add(.delete, rpc, family: .compute) { q throws(ARMError) in
            try rpcs.delete(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                name: q["collectionName"])
        }
        addRestorePoints(&r, app, rpc: rpc)

        r.add(
            .get,
            "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/operations/{operationId}",
            family: .computeOrDisk
        ) { q throws(ARMError) in
            try ops.get(q, subscription: q["subscriptionId"], location: q["location"], operationID: q["operationId"])
        }
        return r
    }
}

extension ARMRoutes {
    /// Restore points (CRP versions) and disk restore points (DiskRP versions), CONTRACT.md §2.
    static func addRestorePoints(_ r: inout ARMRouter, _ app: AppContext, rpc: String) {
        let points = RestorePointService(app: app)
        let disks = DiskRestorePointService(app: app)
        let rp = rpc + "/restorePoints/{restorePointName}"
        @Sendable func rpID(_ q: ARMRequest) -> ResourceID {
            points.id(q["subscriptionId"], q["resourceGroupName"], q["collectionName"], q["restorePointName"])
        }
        r.add(.put, rp, family: .compute) { q throws(ARMError) in
            try points.create(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                collection: q["collectionName"], name: q["restorePointName"], body: q.body())
        }
        r.add(.get, rp, family: .compute) { q throws(ARMError) in
            try points.get(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                collection: q["collectionName"], name: q["restorePointName"], expand: q.http.queryValue("$expand"))
        }
        r.add(.delete, rp, family: .compute) { q throws(ARMError) in
            try points.delete(
                CallContext(q), subscription: q["subscriptionId"], resourceGroup: q["resourceGroupName"],
                collection: q["collectionName"], name: q["restorePointName"])
        }
        r.add(.get, rp + "/diskRestorePoints", family: .disk) { q throws(ARMError) in try disks.list(q, rpID: rpID(q)) }
        r.add(.get, rp + "/diskRestorePoints/{diskRestorePointName}", family: .disk) { q throws(ARMError) in
            try disks.get(CallContext(q), rpID: rpID(q), name: q["diskRestorePointName"])
        }
        addAccess(&r, app, rp: rp)
    }
}
