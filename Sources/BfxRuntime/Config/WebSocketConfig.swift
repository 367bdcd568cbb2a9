import BfxClient

/// WebSocket behaviour shared by every connection.
///
/// Every default comes from the library (`BfxClientConfiguration()`, `ReconnectPolicy.standard`),
/// so a YAML file that omits a key behaves exactly like library code that omits the argument
/// (a test decodes an empty file and compares).
public struct WebSocketConfig: Sendable, Hashable, Encodable {
    /// Subscriptions per connection before the pool opens another one (Bitfinex allows 25 public).
    public var maxSubscriptionsPerConnection = Self.library.maxSubscriptionsPerConnection
    /// A channel silent for longer than this is considered stalled (Bitfinex sends `hb` every 15 s).
    public var heartbeatTimeout = ConfigDuration(Self.library.heartbeatTimeout)
    /// Application ping interval; 0 disables.
    public var pingInterval = ConfigDuration(Self.library.pingInterval)
    /// Connection (TCP + TLS + upgrade) timeout.
    public var connectTimeout = ConfigDuration(Self.library.connectTimeout)
    /// Request `OB_CHECKSUM` and verify every `cs`.
    public var checksum = Self.library.checksum
    /// What a checksum mismatch does per book kind (`checksum_policy`; see ``ChecksumPolicyConfig``).
    public var checksumPolicy = ChecksumPolicyConfig()
    /// Request `SEQ_ALL` and audit sequence numbers.
    public var sequence = Self.library.sequenceNumbers
    /// Request `TIMESTAMP` on messages.
    public var timestamp = Self.library.timestamps
    /// Reconnect policy.
    public var reconnect = ReconnectConfig()

    /// The values an empty `websocket:` section means (the WebSocket client's own defaults).
    public init() {}

    /// The library's defaults, the single source of this struct's defaults.
    static let library = BfxClientConfiguration()

    enum CodingKeys: String, CodingKey {
        case maxSubscriptionsPerConnection = "max_subscriptions_per_connection"
        case heartbeatTimeout = "heartbeat_timeout", pingInterval = "ping_interval", connectTimeout = "connect_timeout"
        case checksum, checksumPolicy = "checksum_policy", sequence, timestamp, reconnect
    }
}

/// `websocket.checksum_policy`: the library's `ChecksumPolicy` (BfxClient) in YAML — trading
/// books resync on a mismatch, funding books are observed (the server's funding checksums are
/// unreliable, protocol reference §4.4; ADR 0023).
public struct ChecksumPolicyConfig: Sendable, Hashable, Encodable {
    /// Mode for trading (`t…`) books.
    public var trading = ChecksumPolicy.standard.trading
    /// Mode for funding (`f…`) books.
    public var funding = ChecksumPolicy.standard.funding
    /// In `observe`, the shortest time between two checksum resyncs of one book.
    public var observeResyncWindow = ConfigDuration(ChecksumPolicy.standard.observeResyncWindow)

    /// The library's defaults (`ChecksumPolicy.standard`).
    public init() {}

    /// The library value.
    public var policy: ChecksumPolicy {
        ChecksumPolicy(trading: trading, funding: funding, observeResyncWindow: observeResyncWindow.duration)
    }

    enum CodingKeys: String, CodingKey {
        case trading, funding, observeResyncWindow = "observe_resync_window"
    }
}

/// Exponential backoff with jitter.
public struct ReconnectConfig: Sendable, Hashable, Encodable {
    /// Jitter strategies: exactly the ones `ReconnectPolicy` implements (an `equal` value used to
    /// be accepted here and silently run as `full`).
    public enum Jitter: String, Sendable, Hashable, Encodable, CaseIterable {
        /// Uniform in [0, delay] (AWS "full jitter").
        case full
        /// No randomness.
        case none

        /// The library's strategy.
        public var policyJitter: ReconnectPolicy.Jitter {
            switch self {
            case .full: return .full
            case .none: return .none
            }
        }

        /// The YAML value of a library strategy.
        init(_ jitter: ReconnectPolicy.Jitter) {
            switch jitter {
            case .full: self = .full
            case .none: self = .none
            }
        }
    }

    /// First delay.
    public var initialDelay = ConfigDuration(ReconnectPolicy.standard.initialDelay)
    /// Cap.
    public var maxDelay = ConfigDuration(ReconnectPolicy.standard.maxDelay)
    /// Growth factor per attempt.
    public var multiplier = ReconnectPolicy.standard.multiplier
    /// Jitter strategy.
    public var jitter = Jitter(ReconnectPolicy.standard.jitter)
    /// Give up after this many consecutive failed attempts; 0 = never.
    public var maxAttempts = ReconnectPolicy.standard.maxAttempts ?? 0
    /// Give up after this long without a successful connection; 0 = never.
    public var giveUpAfter = ReconnectPolicy.standard.giveUpAfter.map(ConfigDuration.init) ?? ConfigDuration(milliseconds: 0)

    /// The values an empty `websocket.reconnect:` section means (`ReconnectPolicy.standard`).
    public init() {}

    enum CodingKeys: String, CodingKey {
        case initialDelay = "initial_delay", maxDelay = "max_delay", multiplier, jitter
        case maxAttempts = "max_attempts", giveUpAfter = "give_up_after"
    }
}
