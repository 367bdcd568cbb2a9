/// One issued nonce as kept in the manager's ring buffer.
public struct NonceIssueRecord: Sendable, Codable, Equatable {
    /// Wall time of issue, µs since epoch.
    public var timeMicros: UInt64
    /// The key id (a label or fingerprint, never the API key itself).
    public var keyID: String
    /// The nonce value that was issued and sent with the call (strictly increasing per key).
    public var nonce: Int64
    /// Caller label, e.g. `order/submit`.
    public var label: String
    /// Priority class name.
    public var priority: String
    /// Time spent queued before dispatch, in µs.
    public var queueWaitMicros: UInt64
    /// `ok`, `cancelled`, `nonce_too_small`, `rate_limited`, `retryable`, `fatal`, `other`.
    public var outcome: String
    /// 1 for the first attempt, 2 for the retry after a nonce rejection.
    public var attempt: Int

    /// Builds a history entry as the manager records it: `timeMicros` is the wall time of issue in
    /// microseconds since 1970, the other parameters set the properties of the same name.
    public init(timeMicros: UInt64, keyID: String, nonce: Int64, label: String, priority: String,
                queueWaitMicros: UInt64, outcome: String, attempt: Int) {
        self.timeMicros = timeMicros
        self.keyID = keyID
        self.nonce = nonce
        self.label = label
        self.priority = priority
        self.queueWaitMicros = queueWaitMicros
        self.outcome = outcome
        self.attempt = attempt
    }
}
