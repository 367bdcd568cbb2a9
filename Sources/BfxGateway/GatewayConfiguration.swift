/// How a ``Gateway`` listens and what it allows its local clients.
///
/// Defaults are safe on a developer machine: loopback only, no per-connection channel limit
/// (the gateway has none of Bitfinex's), bounded frames and send buffers.
public struct GatewayConfiguration: Sendable, Hashable {
    /// A public REST path prefix whose answers are cached for `ttl` (off unless listed).
    public struct CacheRule: Sendable, Hashable {
        /// Path prefix after `/v2/`, e.g. `tickers` or `conf/`.
        public var path: String
        /// How long an answer is served from the cache.
        public var ttl: Duration

        /// A rule caching answers under `path` for `ttl`.
        public init(path: String, ttl: Duration) {
            self.path = path
            self.ttl = ttl
        }
    }

    /// Listen host. Loopback by default; any other address needs ``tlsCertificatePath`` and
    /// ``tlsKeyPath`` (``Gateway/StartError/invalidConfiguration(_:)`` otherwise).
    public var host: String = "127.0.0.1"
    /// Listen port; 0 picks a free one (see ``Gateway/port``).
    public var port: Int = 8766
    /// Most local connections at once; one more is closed with 1013 (try again later).
    public var maxClients: Int = 256
    /// Most channels per local connection; nil means no limit.
    public var maxChannelsPerClient: Int?
    /// Largest inbound frame a local client may send; a larger one closes it with 1009.
    public var maxFrameBytes: Int = 65_536
    /// Frames queued per local client before it is closed with 1008 (a client that does not
    /// read must not hold memory or slow anyone else).
    public var sendBuffer: Int = 16_384
    /// Requests (subscribe, unsubscribe, conf, ping, …) a local client may send per second,
    /// with a burst of 10 s worth; beyond, each gets a rate-limit error event (11010).
    public var requestsPerSecond: Int = 50
    /// How long an upstream subscription is kept after its last local subscriber left.
    public var linger: Duration = .seconds(10)
    /// Idle time after which a local channel gets `[CHAN_ID,"hb"]` (Bitfinex: 15 s).
    public var heartbeat: Duration = .seconds(15)
    /// How long a public REST call may wait for the shared budget before it is answered with
    /// Bitfinex's rate-limit error locally.
    public var restWait: Duration = .seconds(2)
    /// Public REST cache rules (none by default).
    public var restCache: [CacheRule] = []
    /// PEM certificate (chain) file: with ``tlsKeyPath``, the gateway serves `wss://` and `https://`.
    public var tlsCertificatePath: String?
    /// PEM private key file of ``tlsCertificatePath``.
    public var tlsKeyPath: String?
    /// True when TLS is configured.
    public var usesTLS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }
    /// What a local client's dead-man switch (`auth` with `dms: 4`) cancels when it disconnects:
    /// the orders it placed through the gateway (default), or every order of the key — Bitfinex's
    /// own behaviour for a socket (ADR 0022).
    public var deadManCancelsAllOrders = false
    /// Largest signed REST body a local program may send; larger gets 400 `["error",10020,…]`.
    public var maxBodyBytes: Int = 65_536

    /// The defaults: loopback port 8766, 256 clients, no channel limit, 64 KiB frames,
    /// 16,384 queued frames, 50 requests/s, 10 s linger, 15 s heartbeat, 2 s REST wait, no cache,
    /// 64 KiB signed bodies.
    public init() {}

    /// What is wrong with this configuration, or an empty list.
    public var problems: [String] {
        var out: [String] = []
        if !Self.isLoopback(host) && !usesTLS {
            out.append("listen host \(host) is not loopback: serving other hosts needs TLS (tls certificate and key)")
        }
        if (tlsCertificatePath == nil) != (tlsKeyPath == nil) { out.append("tls needs both a certificate and a key") }
        if !(0...65_535).contains(port) { out.append("port \(port) is not 0…65535") }
        if maxClients < 1 { out.append("max_clients must be at least 1") }
        if let m = maxChannelsPerClient, m < 1 { out.append("max_channels_per_client must be at least 1 (or 0 for no limit)") }
        if maxFrameBytes < 256 { out.append("max_frame_bytes must be at least 256") }
        if sendBuffer < 16 { out.append("send_buffer must be at least 16 frames") }
        if requestsPerSecond < 1 { out.append("requests_per_second must be at least 1") }
        if linger < .zero { out.append("linger must not be negative") }
        if heartbeat <= .zero { out.append("heartbeat must be positive") }
        if restWait < .zero { out.append("rest.wait must not be negative") }
        if maxBodyBytes < 2 { out.append("max_body_bytes must be at least 2") }
        for rule in restCache where rule.ttl <= .zero || rule.path.isEmpty {
            out.append("rest.cache rule '\(rule.path)' needs a path and a positive ttl")
        }
        return out
    }

    /// True for `localhost`, `127.x.x.x` and `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
