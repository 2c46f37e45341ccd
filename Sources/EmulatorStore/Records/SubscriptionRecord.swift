/// A subscription the emulator knows; stored under its lower-cased id, returned with its case kept.
public struct SubscriptionRecord: Sendable, Equatable {
    public var subscriptionId: String
    public var displayName: String
    public var tenantId: String
    /// `Enabled`, `Disabled`, `Warned`, …
    public var state: String

    public init(subscriptionId: String, displayName: String, tenantId: String, state: String) {
        self.subscriptionId = subscriptionId
        self.displayName = displayName
        self.tenantId = tenantId
        self.state = state
    }
}
