/// One priority class and its queue limit.
public struct NoncePriorityClass: Sendable, Equatable {
    /// The class.
    public var priority: NoncePriority
    /// Maximum number of calls of this class waiting in one key's queue; more are rejected.
    public var maxQueued: Int

    /// Creates a class with a queue limit.
    public init(_ priority: NoncePriority, maxQueued: Int = 10_000) {
        self.priority = priority
        self.maxQueued = maxQueued
    }
}
