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

    /// Defaults.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case restPublicPerMinute = "rest_public_per_minute", restAuthPerMinute = "rest_auth_per_minute"
        case wsConnectPublicPerMinute = "ws_connect_public_per_minute", wsConnectAuthPer15s = "ws_connect_auth_per_15s"
    }
}
