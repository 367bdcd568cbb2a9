/// The validated, typed configuration of one runtime (the YAML schema in docs/configuration.md).
/// Built only by `ConfigLoader`; every field has a documented default.
public struct RuntimeConfig: Sendable, Hashable, Encodable {
    /// Schema version; must be 1.
    public var version: Int = 1
    /// Where to connect.
    public var endpoint: EndpointConfig = .simulator
    /// API keys (credentials from the environment) and their nonce stores.
    public var keys: [KeyConfig] = []
    /// WebSocket connections and their channels.
    public var connections: [ConnectionConfig] = []
    /// WebSocket behaviour shared by all connections.
    public var websocket = WebSocketConfig()
    /// Nonce dispatch queue priorities.
    public var nonce = NonceConfig()
    /// Client-side rate limits.
    public var rateLimits = RateLimitConfig()
    /// Alert rules.
    public var alerts: [AlertRuleConfig] = []
    /// Log level and format.
    public var logging = LoggingConfig()
    /// Metrics and dashboard HTTP server.
    public var metrics = MetricsConfig()
    /// Embedded simulator options (used when `endpoint: simulator`).
    public var simulator = SimulatorConfig()
    /// Actions run once the runtime is up (demos).
    public var startup: [StartupAction] = []
    /// Headless output (periodic summary).
    public var output = OutputConfig()
    /// Graceful shutdown bounds.
    public var shutdown = ShutdownConfig()
    /// `gateway:` — serve a Bitfinex-compatible local endpoint; nil when the section is absent.
    public var gateway: GatewayConfig?
    /// `recording:` — record every WebSocket frame (docs/recording.md); nil when absent.
    public var recording: RecordingConfig?

    /// A config with every default.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case version, endpoint, keys, connections, websocket, nonce
        case rateLimits = "rate_limits"
        case alerts, logging, metrics, simulator, startup, output, shutdown, gateway, recording
    }

    /// The key named `name`, if any.
    public func key(named name: String) -> KeyConfig? { keys.first { $0.name == name } }
}

/// Where the runtime connects.
public enum EndpointConfig: Sendable, Hashable, Encodable {
    /// Start the embedded simulator in-process on an ephemeral loopback port.
    case simulator
    /// Real Bitfinex (`wss://api-pub.bitfinex.com/ws/2`, `wss://api.bitfinex.com/ws/2`, REST likewise).
    case live
    /// Explicit URLs.
    case custom(EndpointURLs)

    /// Explicit endpoint URLs.
    public struct EndpointURLs: Sendable, Hashable, Encodable {
        /// Public WebSocket URL.
        public var wsPublic: String
        /// Authenticated WebSocket URL.
        public var wsAuth: String
        /// Public REST base URL (ends before `/v2`).
        public var restPublic: String
        /// Authenticated REST base URL.
        public var restAuth: String

        /// Creates explicit URLs.
        public init(wsPublic: String, wsAuth: String, restPublic: String, restAuth: String) {
            self.wsPublic = wsPublic
            self.wsAuth = wsAuth
            self.restPublic = restPublic
            self.restAuth = restAuth
        }

        enum CodingKeys: String, CodingKey {
            case wsPublic = "ws_public", wsAuth = "ws_auth", restPublic = "rest_public", restAuth = "rest_auth"
        }
    }

    /// The live Bitfinex URLs.
    public static let liveURLs = EndpointURLs(
        wsPublic: "wss://api-pub.bitfinex.com/ws/2", wsAuth: "wss://api.bitfinex.com/ws/2",
        restPublic: "https://api-pub.bitfinex.com", restAuth: "https://api.bitfinex.com")

    /// Encodes as `simulator`, `live` or the URL mapping.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .simulator:
            var c = encoder.singleValueContainer(); try c.encode("simulator")
        case .live:
            var c = encoder.singleValueContainer(); try c.encode("live")
        case .custom(let urls):
            try urls.encode(to: encoder)
        }
    }
}
