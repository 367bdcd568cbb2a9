/// Everything that shapes a ``BfxClient``: endpoints, pool size, limits, liveness, reconnect
/// policy, integrity flags and buffering. A plain value, so the runtime builds it from YAML.
public struct BfxClientConfiguration: Sendable {
    /// Public market-data endpoint (`wss://api-pub.bitfinex.com/ws/2`, or the simulator's `ws://` URL).
    public var publicURL: String
    /// Authenticated endpoint (`wss://api.bitfinex.com/ws/2`), used by authenticated connections.
    public var authenticatedURL: String
    /// Maximum subscriptions per connection (Bitfinex documents 25 and 30; 25 is safe).
    public var maxSubscriptionsPerConnection: Int
    /// Connection-open budget of the public endpoint (shared by all connects and reconnects).
    public var publicRateLimit: ConnectionRateLimit
    /// Connection-open budget of the authenticated endpoint.
    public var authenticatedRateLimit: ConnectionRateLimit
    /// Reconnect behaviour after a lost connection.
    public var reconnect: ReconnectPolicy
    /// Backoff for a `subscribe` answered with a retryable error (10300, 10400, 11000, 10008):
    /// `maxAttempts` retries (required: retries are bounded), then the subscription fails with a
    /// ``SubscriptionError`` carrying the last code. `stablePeriod` is not used. The same policy
    /// bounds the retries of a resync `unsubscribe` answered with such an error (used up: the
    /// socket is replaced).
    public var subscribeRetry: ReconnectPolicy
    /// Send every `subscribe` of a (re)opened public connection in the same flush as its `conf`
    /// instead of waiting for the `conf` acknowledgement (saves one round trip per reconnect;
    /// the server applies a connection's requests in order). Default `false` (ADR 0008 order:
    /// subscribe after the acknowledgement); see ADR 0018.
    public var pipelineSubscribes: Bool
    /// A channel (or the whole connection) silent for this long is considered stalled. Bitfinex
    /// sends `hb` after 15 s of channel silence, so the default is 20 s.
    public var heartbeatTimeout: Duration
    /// How often an application-level `ping` is sent on an otherwise quiet connection; a missing
    /// `pong` within ``heartbeatTimeout`` marks the connection stalled.
    public var pingInterval: Duration
    /// How long the TCP connect + WebSocket upgrade + `info` may take.
    public var connectTimeout: Duration
    /// Enable `OB_CHECKSUM` and verify every `cs` message.
    public var checksum: Bool
    /// What a checksum mismatch does, per book kind: by default trading books resync at once and
    /// funding books are observed (counted, reported, resynced at most once per 10 minutes)
    /// because the server's funding checksums are unreliable (see ``ChecksumPolicy``, ADR 0023).
    /// Only used when ``checksum`` is on.
    public var checksumPolicy: ChecksumPolicy
    /// Enable `SEQ_ALL` and audit sequence numbers.
    public var sequenceNumbers: Bool
    /// Enable `TIMESTAMP` (ms timestamps appended to messages).
    public var timestamps: Bool
    /// Per-subscription buffering of events for slow consumers.
    public var buffering: BufferingPolicy
    /// Seed for reconnect jitter (`nil`: random). Set it for reproducible drills and tests.
    public var jitterSeed: UInt64?
    /// Largest accepted WebSocket message (after reassembly of fragments).
    public var maxMessageSize: Int
    /// When set, every frame of every connection of the client is recorded (docs/recording.md);
    /// `nil` (the default) installs nothing on the sockets.
    public var recorder: FrameRecorder?

    /// Creates a configuration; the defaults follow docs/websocket.md.
    public init(
        publicURL: String = "wss://api-pub.bitfinex.com/ws/2",
        authenticatedURL: String = "wss://api.bitfinex.com/ws/2",
        maxSubscriptionsPerConnection: Int = 25,
        publicRateLimit: ConnectionRateLimit = .publicEndpoint,
        authenticatedRateLimit: ConnectionRateLimit = .authenticatedEndpoint,
        reconnect: ReconnectPolicy = .standard,
        heartbeatTimeout: Duration = .seconds(20),
        pingInterval: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(10),
        checksum: Bool = true,
        checksumPolicy: ChecksumPolicy = .standard,
        sequenceNumbers: Bool = true,
        timestamps: Bool = false,
        buffering: BufferingPolicy = BufferingPolicy(),
        jitterSeed: UInt64? = nil,
        maxMessageSize: Int = 16 << 20,
        subscribeRetry: ReconnectPolicy = BfxClientConfiguration.defaultSubscribeRetry,
        pipelineSubscribes: Bool = false
    ) {
        self.checksumPolicy = checksumPolicy
        self.subscribeRetry = subscribeRetry
        self.pipelineSubscribes = pipelineSubscribes
        self.publicURL = publicURL
        self.authenticatedURL = authenticatedURL
        self.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection
        self.publicRateLimit = publicRateLimit
        self.authenticatedRateLimit = authenticatedRateLimit
        self.reconnect = reconnect
        self.heartbeatTimeout = heartbeatTimeout
        self.pingInterval = pingInterval
        self.connectTimeout = connectTimeout
        self.checksum = checksum
        self.sequenceNumbers = sequenceNumbers
        self.timestamps = timestamps
        self.buffering = buffering
        self.jitterSeed = jitterSeed
        self.maxMessageSize = maxMessageSize
    }

    /// Default ``subscribeRetry``: 250 ms doubling to at most 10 s, full jitter, 5 retries.
    public static let defaultSubscribeRetry = ReconnectPolicy(
        initialDelay: .milliseconds(250), multiplier: 2, maxDelay: .seconds(10), jitter: .full, maxAttempts: 5
    )

    /// Checks every value; returns one description per problem (empty when valid).
    public func validate() -> [String] {
        var problems = reconnect.validate().map { "reconnect: \($0)" }
        problems += subscribeRetry.validate().map { "subscribeRetry: \($0)" }
        if subscribeRetry.maxAttempts == nil { problems.append("subscribeRetry.maxAttempts must be set (retries are bounded)") }
        if maxSubscriptionsPerConnection < 1 || maxSubscriptionsPerConnection > 30 {
            problems.append("maxSubscriptionsPerConnection must be in 1...30, got \(maxSubscriptionsPerConnection)")
        }
        problems += checksumPolicy.validate()
        if heartbeatTimeout <= .zero { problems.append("heartbeatTimeout must be > 0") }
        if pingInterval <= .zero { problems.append("pingInterval must be > 0") }
        if connectTimeout <= .zero { problems.append("connectTimeout must be > 0") }
        if buffering.tradeQueueCapacity < 1 { problems.append("buffering.tradeQueueCapacity must be >= 1") }
        if buffering.controlQueueCapacity < 8 { problems.append("buffering.controlQueueCapacity must be >= 8") }
        for (name, limit) in [("publicRateLimit", publicRateLimit), ("authenticatedRateLimit", authenticatedRateLimit)] {
            if limit.maxConnections < 1 || limit.window <= .zero { problems.append("\(name) needs maxConnections >= 1 and window > 0") }
        }
        for (name, url) in [("publicURL", publicURL), ("authenticatedURL", authenticatedURL)] {
            do { _ = try WebSocketURL(parsing: url) } catch { problems.append("\(name): \(error)") }
        }
        return problems
    }
}

/// How events wait for a slow consumer. Memory per subscription is bounded in every case.
public struct BufferingPolicy: Sendable, Hashable {
    /// Trades (and candles) are queued up to this many; beyond it the oldest are dropped and an
    /// ``SubscriptionEvent/overflow(dropped:)`` event tells the consumer how many.
    public var tradeQueueCapacity: Int
    /// Control events (subscribed, stale, integrity, …) queue capacity; these are rare.
    public var controlQueueCapacity: Int

    /// Creates a policy. Books, tickers and status always coalesce to the latest value.
    public init(tradeQueueCapacity: Int = 4096, controlQueueCapacity: Int = 256) {
        self.tradeQueueCapacity = tradeQueueCapacity
        self.controlQueueCapacity = controlQueueCapacity
    }
}
