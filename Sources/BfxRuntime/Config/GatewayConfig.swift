import BfxGateway

/// `gateway:` — serve a Bitfinex-compatible local endpoint (docs/gateway.md). Absent: no gateway.
public struct GatewayConfig: Sendable, Hashable, Encodable {
    /// A `rest.cache` rule.
    public struct CacheRule: Sendable, Hashable, Encodable {
        /// Path prefix after `/v2/`.
        public var path: String
        /// Time an answer is served from the cache.
        public var ttl: ConfigDuration
    }

    /// `HOST:PORT` to listen on (loopback only; port 0 = any free port).
    public var listen = "127.0.0.1:8766"
    /// Most local connections at once.
    public var maxClients = 256
    /// Most channels per local connection; 0 = no limit.
    public var maxChannelsPerClient = 0
    /// Largest inbound local frame (bytes); larger closes the connection with 1009.
    public var maxFrameBytes = 65_536
    /// Frames queued per local client before it is closed with 1008.
    public var sendBuffer = 16_384
    /// Requests a local client may send per second (burst: 10 s worth).
    public var requestsPerSecond = 50
    /// How long an upstream subscription outlives its last local subscriber.
    public var linger = ConfigDuration.seconds(10)
    /// Idle time before `hb` on a local channel.
    public var heartbeat = ConfigDuration.seconds(15)
    /// Longest wait for the shared REST budget before a local 429.
    public var restWait = ConfigDuration.seconds(2)
    /// Public REST cache rules (none by default).
    public var restCache: [CacheRule] = []

    /// The defaults (see docs/configuration.md, `gateway`).
    public init() {}

    enum CodingKeys: String, CodingKey {
        case listen, maxClients = "max_clients", maxChannelsPerClient = "max_channels_per_client"
        case maxFrameBytes = "max_frame_bytes", sendBuffer = "send_buffer", requestsPerSecond = "requests_per_second"
        case linger, heartbeat, rest
    }

    private struct RESTSection: Encodable {
        var wait: ConfigDuration
        var cache: [CacheRule]
    }

    /// Encodes the section as written in YAML (`rest:` nested), for `bfxrun check --print`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(listen, forKey: .listen)
        try c.encode(maxClients, forKey: .maxClients)
        try c.encode(maxChannelsPerClient, forKey: .maxChannelsPerClient)
        try c.encode(maxFrameBytes, forKey: .maxFrameBytes)
        try c.encode(sendBuffer, forKey: .sendBuffer)
        try c.encode(requestsPerSecond, forKey: .requestsPerSecond)
        try c.encode(linger, forKey: .linger)
        try c.encode(heartbeat, forKey: .heartbeat)
        try c.encode(RESTSection(wait: restWait, cache: restCache), forKey: .rest)
    }

    /// The library configuration this section describes.
    public var configuration: GatewayConfiguration {
        var c = GatewayConfiguration()
        let (host, port) = MetricsConfig.split(listen) ?? ("127.0.0.1", 8766)
        c.host = host
        c.port = port
        c.maxClients = maxClients
        c.maxChannelsPerClient = maxChannelsPerClient > 0 ? maxChannelsPerClient : nil
        c.maxFrameBytes = maxFrameBytes
        c.sendBuffer = sendBuffer
        c.requestsPerSecond = requestsPerSecond
        c.linger = linger.duration
        c.heartbeat = heartbeat.duration
        c.restWait = restWait.duration
        c.restCache = restCache.map { GatewayConfiguration.CacheRule(path: $0.path, ttl: $0.ttl.duration) }
        return c
    }
}
