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
    /// When the manager emits a ``NonceWarning`` (queue depth and wait, error rate, clock skew,
    /// nonce ceiling) on ``NonceManager/warnings``.
    public var thresholds: NonceWarningThresholds
    /// How long the key's lane stays held after a signed call whose outcome is unknown (a
    /// transport error or timeout: the request may have left and may still be delivered, late,
    /// by the network or a proxy). No nonce of the key is issued in that time — with a shared
    /// store the store's lock stays held too, so no other process or host issues one either — so
    /// a late request cannot arrive after a newer nonce and be rejected as `10114 nonce: small`
    /// (or, worse, make the newer call fail). `.zero` (default) = off. Choose it to cover how
    /// late a request can still arrive after the client's timeout; with the PostgreSQL store,
    /// REST timeout + quarantine must stay below the store's lock hold timeout (ADR 0029).
    public var unknownOutcomeQuarantine: Duration

    /// The default set of classes: critical, high, normal, low.
    public static let defaultClasses: [NoncePriorityClass] = [
        NoncePriorityClass(.critical), NoncePriorityClass(.high),
        NoncePriorityClass(.normal), NoncePriorityClass(.low),
    ]

    /// Default ``agingStep``: 2 s. With four classes a waiting low call reaches critical after
    /// 6 s, so nothing starves, while priorities still order calls when the queue waits for a
    /// 45/min endpoint budget (a 250 ms step collapsed all classes within 750 ms).
    /// `bfxrun`'s `nonce.aging` takes its default from here.
    public static let defaultAgingStep: Duration = .seconds(2)

    /// Default ``historyCapacity``: 1000 issue records (`nonce.history_size` in YAML).
    public static let defaultHistoryCapacity = 1_000

    /// Every parameter has a default that suits most programs: the four ``defaultClasses``,
    /// ``defaultAgingStep`` (2 s), ``defaultHistoryCapacity`` (1000 records), 2048 wait samples per
    /// key, one retry after `10114 nonce: small`, the default warning thresholds, and no
    /// quarantine after a call of unknown outcome.
    public init(
        priorityClasses: [NoncePriorityClass] = NonceManagerConfiguration.defaultClasses,
        agingStep: Duration? = NonceManagerConfiguration.defaultAgingStep,
        historyCapacity: Int = NonceManagerConfiguration.defaultHistoryCapacity,
        waitSampleCapacity: Int = 2_048,
        retryOnNonceTooSmall: Bool = true,
        thresholds: NonceWarningThresholds = NonceWarningThresholds(),
        unknownOutcomeQuarantine: Duration = .zero
    ) {
        self.priorityClasses = priorityClasses
        self.agingStep = agingStep
        self.historyCapacity = historyCapacity
        self.waitSampleCapacity = waitSampleCapacity
        self.retryOnNonceTooSmall = retryOnNonceTooSmall
        self.thresholds = thresholds
        self.unknownOutcomeQuarantine = unknownOutcomeQuarantine
    }
}
