/// WebSocket behaviour shared by every connection.
public struct WebSocketConfig: Sendable, Hashable, Encodable {
    /// Subscriptions per connection before the pool opens another one (Bitfinex allows 25 public).
    public var maxSubscriptionsPerConnection = 25
    /// A channel silent for longer than this is considered stalled (Bitfinex sends `hb` every 15 s).
    public var heartbeatTimeout = ConfigDuration.seconds(20)
    /// Application ping interval; 0 disables.
    public var pingInterval = ConfigDuration.seconds(10)
    /// Connection (TCP + TLS + upgrade) timeout.
    public var connectTimeout = ConfigDuration.seconds(10)
    /// Request `OB_CHECKSUM` and verify every `cs`.
    public var checksum = true
    /// Request `SEQ_ALL` and audit sequence numbers.
    public var sequence = false
    /// Request `TIMESTAMP` on messages.
    public var timestamp = false
    /// Reconnect policy.
    public var reconnect = ReconnectConfig()

    /// Defaults.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case maxSubscriptionsPerConnection = "max_subscriptions_per_connection"
        case heartbeatTimeout = "heartbeat_timeout", pingInterval = "ping_interval", connectTimeout = "connect_timeout"
        case checksum, sequence, timestamp, reconnect
    }
}

/// Exponential backoff with jitter.
public struct ReconnectConfig: Sendable, Hashable, Encodable {
    /// Jitter strategies.
    public enum Jitter: String, Sendable, Hashable, Encodable, CaseIterable {
        /// Uniform in [0, delay] (AWS "full jitter").
        case full
        /// delay/2 + uniform in [0, delay/2].
        case equal
        /// No randomness.
        case none
    }

    /// First delay.
    public var initialDelay = ConfigDuration(milliseconds: 500)
    /// Cap.
    public var maxDelay = ConfigDuration.seconds(30)
    /// Growth factor per attempt.
    public var multiplier = 2.0
    /// Jitter strategy.
    public var jitter = Jitter.full
    /// Give up after this many consecutive failed attempts; 0 = never.
    public var maxAttempts = 0
    /// Give up after this long without a successful connection; 0 = never.
    public var giveUpAfter = ConfigDuration(milliseconds: 0)

    /// Defaults.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case initialDelay = "initial_delay", maxDelay = "max_delay", multiplier, jitter
        case maxAttempts = "max_attempts", giveUpAfter = "give_up_after"
    }
}
