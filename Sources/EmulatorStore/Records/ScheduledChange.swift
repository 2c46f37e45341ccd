import EmuCore

/// A precomputed change of a computed state at one instant (CONTRACT.md §5, §8.1): state is a pure function of
/// stored facts and the emulated now, so every change a restore point will go through is known when it is
/// created. Stored once then, the schedule answers "what changed between two instants" (the clock's answer, the
/// timeline, §8.3) without evaluating every restore point. The application stores one per restore point and
/// instant, its body the array of that instant's changes (`Schedule`); the store does not look inside.
public struct ScheduledChange: Sendable, Equatable {
    /// The lower-cased id of the restore point the change belongs to (changes of its disk restore points
    /// included); deleting that restore point's subtree deletes its schedule.
    public var resourceKey: String
    /// When the change happens.
    public var at: Timestamp
    /// What changes, as the caller describes it (for the application, an array of changes: resource, property,
    /// from, to, cause).
    public var body: JSON

    public init(resourceKey: String, at: Timestamp, body: JSON) {
        self.resourceKey = resourceKey
        self.at = at
        self.body = body
    }

    /// A change's place in time order (`at`, then `seq`): where a window read stopped, so the next read continues
    /// after it, inside an instant or not.
    public struct Position: Sendable, Equatable {
        public var at: Timestamp
        /// The store's order of the changes at `at`: the order they were scheduled in, whatever their resource.
        public var seq: Int

        public init(at: Timestamp, seq: Int) {
            self.at = at
            self.seq = seq
        }
    }
}
