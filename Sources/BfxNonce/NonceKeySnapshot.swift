/// One key's state in a ``NonceManagerSnapshot``.
public struct NonceKeySnapshot: Sendable, Codable, Equatable {
    /// Key id (label or fingerprint).
    public var keyID: String
    /// Last nonce issued by this manager (0 = none).
    public var lastNonce: Int64
    /// The store's view.
    public var store: NonceStoreStatus
    /// Whether a call is in flight (lock held by this process).
    public var inFlight: Bool
    /// Label of the call in flight, if any.
    public var inFlightLabel: String?
    /// Queued calls per priority class.
    public var queued: [String: Int]
    /// Lifetime totals for this key: issued, succeeded, 10114 rejections, other failures.
    public var counters: NonceCounters
    /// Queue-wait percentiles over recent calls, µs.
    public var queueWait: NonceWaitPercentiles
}
