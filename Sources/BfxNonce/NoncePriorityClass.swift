/// One priority class and its queue limit.
public struct NoncePriorityClass: Sendable, Equatable {
    /// The class.
    public var priority: NoncePriority
    /// Maximum number of calls of this class waiting in one key's queue; more are rejected.
    public var maxQueued: Int

    /// Default ``maxQueued``: 1000 calls. At a 45/min signed-call budget that is already ~20 min
    /// of work; rejecting beyond it is the useful back-pressure (`nonce.classes[].limit` in YAML).
    public static let defaultMaxQueued = 1_000

    /// Creates a class with a queue limit.
    public init(_ priority: NoncePriority, maxQueued: Int = NoncePriorityClass.defaultMaxQueued) {
        self.priority = priority
        self.maxQueued = maxQueued
    }
}
