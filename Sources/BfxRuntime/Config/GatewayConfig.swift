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
    /// Largest signed REST body (bytes).
    public var maxBodyBytes = 65_536
    /// `tls.certificate` / `tls.key`: PEM files; required to listen on a non-loopback address.
    public var tlsCertificate: String?
    /// PEM private key of `tlsCertificate`.
    public var tlsKey: String?
    /// `dms_scope`: what a local client's dead-man switch cancels — `own` (its orders, default) or `all`.
    public var dmsScope = "own"
    /// Upstream keys served to local programs with local credentials.
    public var accounts: [GatewayAccountConfig] = []

    /// The defaults (see docs/configuration.md, `gateway`).
    public init() {}

    enum CodingKeys: String, CodingKey {
        case listen, maxClients = "max_clients", maxChannelsPerClient = "max_channels_per_client"
        case maxFrameBytes = "max_frame_bytes", sendBuffer = "send_buffer", requestsPerSecond = "requests_per_second"
        case linger, heartbeat, rest, maxBodyBytes = "max_body_bytes", accounts, dmsScope = "dms_scope", tls
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
        try c.encode(maxBodyBytes, forKey: .maxBodyBytes)
        try c.encode(accounts, forKey: .accounts)
        try c.encode(dmsScope, forKey: .dmsScope)
        if let tlsCertificate, let tlsKey { try c.encode(["certificate": tlsCertificate, "key": tlsKey], forKey: .tls) }
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
        c.maxBodyBytes = maxBodyBytes
        c.deadManCancelsAllOrders = dmsScope == "all"
        c.tlsCertificatePath = tlsCertificate
        c.tlsKeyPath = tlsKey
        return c
    }
}

/// `gateway.accounts[]`: an upstream key (a `keys[]` entry) served to local programs that sign
/// with their own local credentials (docs/gateway.md, "Accounts and signed calls").
public struct GatewayAccountConfig: Sendable, Hashable, Encodable {
    /// `local_keys[]`: credentials a local program signs with (from the environment only).
    public struct LocalKeyConfig: Sendable, Hashable, Encodable {
        /// Name in logs and the audit log.
        public var name: String
        /// `key: ${VAR}`.
        public var key: SecretValue
        /// `secret: ${VAR}`.
        public var secret: SecretValue
        /// `read`, `trade`, `funding`.
        public var permissions: [String]
    }

    /// `priorities[]`: the nonce-queue class of forwarded calls; the first match wins.
    public struct PriorityRuleConfig: Sendable, Hashable, Encodable {
        /// Path prefix after `/v2/`, or nil for any.
        public var path: String?
        /// Local key name, or nil for any.
        public var localKey: String?
        /// A `nonce.classes` name.
        public var priority: String

        enum CodingKeys: String, CodingKey { case path, localKey = "local_key", priority }
    }

    /// The `keys[]` entry whose credentials and nonce lane serve the local programs.
    public var key: String
    /// Also accept requests signed with the real key (loopback only).
    public var acceptUpstreamCredentials = false
    /// Local credentials.
    public var localKeys: [LocalKeyConfig] = []
    /// Priority rules.
    public var priorities: [PriorityRuleConfig] = []

    enum CodingKeys: String, CodingKey {
        case key, acceptUpstreamCredentials = "accept_upstream_credentials", localKeys = "local_keys", priorities
    }
}
