/// Counters of one key.
public struct NonceCounters: Sendable, Codable, Equatable {
    /// Nonces issued (every attempt).
    public var issued: UInt64 = 0
    /// Calls completed successfully.
    public var succeeded: UInt64 = 0
    /// `10114 nonce: small` rejections.
    public var nonceRejected: UInt64 = 0
    /// Retries after a nonce rejection.
    public var retried: UInt64 = 0
    /// Rate-limited failures.
    public var rateLimited: UInt64 = 0
    /// Retryable failures.
    public var retryable: UInt64 = 0
    /// Fatal failures.
    public var fatal: UInt64 = 0
    /// Other failures.
    public var otherErrors: UInt64 = 0
    /// Calls cancelled while queued (no nonce consumed).
    public var cancelled: UInt64 = 0
    /// Calls whose deadline passed while queued (no nonce consumed).
    public var expired: UInt64 = 0
    /// Calls rejected because their class queue was full.
    public var queueFull: UInt64 = 0
    /// Failed calls whose request may still arrive, after which the lane was held for
    /// ``NonceManagerConfiguration/unknownOutcomeQuarantine``.
    public var quarantined: UInt64 = 0

    /// Creates zero counters.
    public init() {}
}
