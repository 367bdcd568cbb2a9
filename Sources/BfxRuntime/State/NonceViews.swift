/// Nonce usage of one key.
public struct NonceKeyStats: Sendable, Hashable, Codable {
    /// Key name from the config.
    public var key: String
    /// Nonce-manager key id (fingerprint, never the key itself).
    public var keyID: String
    /// Store kind (`memory`, `file`, `postgres`).
    public var store: String
    /// Store location (path / masked URL).
    public var storeLocation: String
    /// Last issued nonce.
    public var lastNonce: Int64
    /// Nonces issued.
    public var issued: UInt64
    /// Calls that succeeded.
    public var succeeded: UInt64
    /// 10114 rejections.
    public var nonceRejected: UInt64
    /// Other errors (rate limited, fatal, expired, queue full, ...).
    public var errors: UInt64
    /// Rate-limited calls.
    public var rateLimited: UInt64
    /// Calls queued now, by class.
    public var queued: [String: Int]
    /// Queue wait percentiles (microseconds).
    public var waitP50Micros: UInt64
    /// p99 wait.
    public var waitP99Micros: UInt64
    /// Max wait.
    public var waitMaxMicros: UInt64
    /// Issued per second over the last sampling interval.
    public var issuedPerSecond: Double
}

/// One issued nonce.
public struct NonceRecordView: Sendable, Hashable, Codable {
    /// Key id: the configured key name or a fingerprint, never the API key itself.
    public var keyID: String
    /// The nonce value sent with the call.
    public var nonce: Int64
    /// Caller label (e.g. the REST path).
    public var label: String
    /// The priority class the call was queued in (`critical`, `high`, `normal`, `low` or a custom class).
    public var priority: String
    /// Time queued (µs).
    public var queueWaitMicros: UInt64
    /// Outcome (`ok`, `nonce_small`, ...).
    public var outcome: String
    /// Issue time (µs since epoch).
    public var timeMicros: UInt64
}

/// Depth of one priority class of one key's queue.
public struct QueueView: Sendable, Hashable, Codable {
    /// The key's name in the configuration (`keys[].name`), never the API key itself.
    public var key: String
    /// Name of the priority class (e.g. `critical`, `normal`) whose queue this is.
    public var priorityClass: String
    /// Calls waiting.
    public var depth: Int
    /// Configured limit.
    public var limit: Int
    /// A signed call of this key (any class) is being sent right now.
    public var inFlight: Bool
}
