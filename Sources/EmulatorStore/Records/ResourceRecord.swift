import EmuCore

/// One ARM resource as stored: its identity columns, indexed for listing, and its JSON body.
///
/// The caller lower-cases `key`, `subscription`, `resourceGroup`, `type` and `parentKey`; the store compares
/// them byte for byte (CONTRACT.md §4: ARM ids are case-insensitive, so the key is the lower-cased id).
public struct ResourceRecord: Sendable, Equatable {
    /// The lower-cased ARM id: the primary key.
    public var key: String
    /// The ARM id as the client first spelled it.
    public var id: String
    /// The lower-cased subscription id.
    public var subscription: String
    /// The lower-cased resource group name; nil for subscription-level resources.
    public var resourceGroup: String?
    /// The lower-cased canonical type, e.g. `microsoft.compute/restorepointcollections/restorepoints`.
    public var type: String
    /// The key of the parent: the resource group's scope for top-level resources, else the parent resource.
    public var parentKey: String
    /// The last segment of the id, case kept.
    public var name: String
    /// The location as the resource reports it; nil when the type has none.
    public var location: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// The resource's JSON as the API returns it.
    public var body: JSON

    public init(
        key: String, id: String, subscription: String, resourceGroup: String?, type: String, parentKey: String,
        name: String, location: String?, createdAt: Timestamp, updatedAt: Timestamp, body: JSON
    ) {
        self.key = key
        self.id = id
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.type = type
        self.parentKey = parentKey
        self.name = name
        self.location = location
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.body = body
    }
}
