import EmuCore

/// A long-running operation (CONTRACT.md §3): scheduled with its outcome, which the API reveals at `endTime`.
public struct OperationRecord: Sendable, Equatable {
    /// The operation id in the Azure-AsyncOperation URL.
    public var id: String
    /// The lower-cased subscription id.
    public var subscription: String
    /// The location in the operation's URL.
    public var location: String
    /// What the operation does, e.g. `restorePoints/create`.
    public var kind: String
    /// The key of the resource it acts on.
    public var resourceKey: String
    public var apiVersion: String
    public var startTime: Timestamp
    /// When the operation completes; may lie in the emulated future.
    public var endTime: Timestamp
    /// `Succeeded`, `Failed` or `Canceled`: the outcome at `endTime`.
    public var outcome: String
    /// The ARM error body when the outcome is `Failed`.
    public var error: JSON?
    /// The result body, for operations that have one.
    public var result: JSON?

    public init(
        id: String, subscription: String, location: String, kind: String, resourceKey: String,
        apiVersion: String, startTime: Timestamp, endTime: Timestamp, outcome: String, error: JSON? = nil,
        result: JSON? = nil
    ) {
        self.id = id
        self.subscription = subscription
        self.location = location
        self.kind = kind
        self.resourceKey = resourceKey
        self.apiVersion = apiVersion
        self.startTime = startTime
        self.endTime = endTime
        self.outcome = outcome
        self.error = error
        self.result = result
    }
}
