/// Settings of a ``NonceManager``: priority classes, aging, limits, recovery and warning thresholds.
public struct NonceManagerConfiguration: Sendable {
    /// Priority classes from the most to the least urgent. Default: critical > high > normal > low.
    public var priorityClasses: [NoncePriorityClass]
    /// Waiting this long raises a queued call's effective priority by one class, so low
    /// priority never starves. `nil` disables aging (strict priority).
    public var agingStep: Duration?
    /// Capacity of the ring buffer of recent issues (shared by all keys of the manager).
    public var historyCapacity: Int
    /// Number of recent queue waits per key kept for percentiles.
    public var waitSampleCapacity: Int
    /// Retry a call once with a fresh nonce after a `10114 nonce: small` rejection.
    public var retryOnNonceTooSmall: Bool
    /// Warning thresholds.
    public var thresholds: NonceWarningThresholds

    /// The default set of classes: critical, high, normal, low.
    public static let defaultClasses: [NoncePriorityClass] = [
        NoncePriorityClass(.critical), NoncePriorityClass(.high),
        NoncePriorityClass(.normal), NoncePriorityClass(.low),
    ]

    /// Creates a configuration.
    public init(
        priorityClasses: [NoncePriorityClass] = NonceManagerConfiguration.defaultClasses,
        agingStep: Duration? = .milliseconds(250),
        historyCapacity: Int = 4_096,
        waitSampleCapacity: Int = 2_048,
        retryOnNonceTooSmall: Bool = true,
        thresholds: NonceWarningThresholds = NonceWarningThresholds()
    ) {
        self.priorityClasses = priorityClasses
        self.agingStep = agingStep
        self.historyCapacity = historyCapacity
        self.waitSampleCapacity = waitSampleCapacity
        self.retryOnNonceTooSmall = retryOnNonceTooSmall
        self.thresholds = thresholds
    }
}
