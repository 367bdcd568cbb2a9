/// An action run after start: a REST call (signed through the key's nonce queue when the path
/// starts with `auth/`), optionally repeated, for demos and smoke checks.
public struct StartupAction: Sendable, Hashable, Encodable {
    /// HTTP method.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// A `GET` request, for public REST endpoints (tickers, candles, platform status).
        case GET
        /// A `POST` with the JSON `body`; signed (nonce queue) when the path starts with `auth/`.
        case POST
    }

    /// `GET` for public paths, `POST` for `auth/...` by default.
    public var method: Method
    /// Path below `/v2/`, e.g. `auth/r/wallets` or `ticker/tBTCUSD`.
    public var path: String
    /// JSON body text (signed calls); default `{}`.
    public var body: String?
    /// Key name (signed calls); default: the first key.
    public var key: String?
    /// Priority class; default from `nonce.map` by call kind.
    public var priority: String?
    /// Repeat interval; nil = once.
    public var every: ConfigDuration?
    /// How many times in total when repeating (0 = until shutdown).
    public var count: Int

    /// Creates an action.
    public init(method: Method, path: String, body: String? = nil, key: String? = nil, priority: String? = nil, every: ConfigDuration? = nil, count: Int = 1) {
        self.method = method
        self.path = path
        self.body = body
        self.key = key
        self.priority = priority
        self.every = every
        self.count = count
    }
}
