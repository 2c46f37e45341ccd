import ARMKit
import EmuCore
import EmulatorStore

/// Subscriptions (CONTRACT.md §2): the configured default and every subscription a resource group was put in.
struct SubscriptionService: Sendable {
    let app: AppContext

    /// Lists the subscription on first use, so `GET /subscriptions` shows it (docs/routes.md).
    func register(_ tx: WriteTransaction, _ subscription: String) throws(ARMError) {
        guard try app.store(tx.subscription(id: subscription.lowercased())) == nil else { return }
        try app.store(
            tx.upsert(
                SubscriptionRecord(
                    subscriptionId: subscription, displayName: "rpemu subscription", tenantId: app.config.tenantID,
                    state: "Enabled")))
    }

    func list() throws(ARMError) -> ARMResponse {
        let subs = try app.db.read { tx throws(ARMError) in try app.store(tx.subscriptions()) }
        return ARMResponse(status: 200, body: ["value": .array(subs.map(render))])
    }

    func get(_ subscription: String) throws(ARMError) -> ARMResponse {
        guard
            let sub = try app.db.read({ tx throws(ARMError) in
                try app.store(tx.subscription(id: subscription.lowercased()))
            })
        else {
            throw ARMError(
                status: 404, code: "SubscriptionNotFound",
                message: "The subscription '\(subscription)' could not be found.")
        }
        return ARMResponse(status: 200, body: render(sub))
    }

    /// The shape `az login` reads (reference/clients.md §4 "Subscriptions").
    func render(_ s: SubscriptionRecord) -> JSON {
        [
            "id": .string("/subscriptions/\(s.subscriptionId)"), "subscriptionId": .string(s.subscriptionId),
            "tenantId": .string(s.tenantId), "displayName": .string(s.displayName), "state": .string(s.state),
            "subscriptionPolicies": [
                "locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off",
            ],
            "authorizationSource": "RoleBased", "managedByTenants": [],
        ]
    }
}
