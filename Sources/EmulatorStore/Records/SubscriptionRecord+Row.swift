extension SubscriptionRecord {
    static let columns = "subscription_id, display_name, tenant_id, state"

    static let selectAll = "SELECT \(columns) FROM subscriptions ORDER BY id"
    static let selectByID = "SELECT \(columns) FROM subscriptions WHERE id = ?1"
    static let upsert = """
        INSERT INTO subscriptions (id, \(columns)) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (id) DO UPDATE SET
            subscription_id = excluded.subscription_id, display_name = excluded.display_name,
            tenant_id = excluded.tenant_id, state = excluded.state
        """
    static let deleteByID = "DELETE FROM subscriptions WHERE id = ?1"

    /// Decodes the current row of a statement selecting `columns`.
    init(row s: SQLiteStatement) throws(StoreError) {
        self.init(
            subscriptionId: s.text(at: 0), displayName: s.text(at: 1), tenantId: s.text(at: 2), state: s.text(at: 3))
    }

    /// The lower-cased id, then the record's values in `columns` order.
    var sqlValues: [SQLiteValue] {
        [.text(subscriptionId.lowercased()), .text(subscriptionId), .text(displayName), .text(tenantId), .text(state)]
    }
}
