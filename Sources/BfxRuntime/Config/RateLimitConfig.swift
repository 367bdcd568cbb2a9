import BfxClient

/// Client-side rate limits (conservative defaults below Bitfinex's published limits). The
/// defaults are the library's (`RESTRateLimits()`, `ConnectionRateLimit.publicEndpoint` /
/// `.authenticatedEndpoint`), never literals of their own.
public struct RateLimitConfig: Sendable, Hashable, Encodable {
    /// Public REST requests per minute.
    public var restPublicPerMinute = RESTRateLimits().publicPerMinute
    /// Authenticated REST requests per minute (per key).
    public var restAuthPerMinute = RESTRateLimits().authPerMinute
    /// New public WebSocket connections per minute (Bitfinex: 20).
    public var wsConnectPublicPerMinute = ConnectionRateLimit.publicEndpoint.maxConnections
    /// New authenticated WebSocket connections per 15 s (Bitfinex: 5).
    public var wsConnectAuthPer15s = ConnectionRateLimit.authenticatedEndpoint.maxConnections
    /// Per-endpoint REST budgets (`rate_limits.endpoints`), overriding the two defaults above.
    public var endpoints: [EndpointRateLimitConfig] = []

    /// The values an empty `rate_limits:` section means (Bitfinex's documented limits).
    public init() {}

    enum CodingKeys: String, CodingKey {
        case restPublicPerMinute = "rest_public_per_minute", restAuthPerMinute = "rest_auth_per_minute"
        case wsConnectPublicPerMinute = "ws_connect_public_per_minute", wsConnectAuthPer15s = "ws_connect_auth_per_15s"
        case endpoints
    }

    /// The limits for `BfxRESTClient`: the configured budgets are the default for every endpoint;
    /// the client's stricter built-in overrides (`platform/status` 30/min) are kept unless the
    /// public budget is lower still; `endpoints` entries are added last and win.
    public var restRateLimits: RESTRateLimits {
        let defaults = RESTRateLimits()
        var overrides = defaults.overrides.mapValues { min($0, restPublicPerMinute) }
        for entry in endpoints { overrides[entry.path] = entry.perMinute }
        return RESTRateLimits(authPerMinute: restAuthPerMinute, publicPerMinute: restPublicPerMinute, overrides: overrides)
    }
}
