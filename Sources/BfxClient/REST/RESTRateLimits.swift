import BfxNonce

/// Requests per minute per endpoint (token buckets, burst = the per-minute budget / 6, at least 1).
public struct RESTRateLimits: Sendable {
    /// Default for authenticated endpoints (conservative: the lowest documented auth budget).
    public var authPerMinute: Int
    /// Default for public endpoints (conservative: 30/min, the budget documented for
    /// ticker/trades/book; other figures range 10–90/min per endpoint).
    public var publicPerMinute: Int
    /// Per-endpoint overrides, keyed by endpoint name (`ticker`, `auth/r/wallets`, …).
    public var overrides: [String: Int]

    /// Creates limits; defaults 45/min auth, 30/min public, `platform/status` 30/min.
    /// `bfxrun`'s `rate_limits.rest_*_per_minute` take their defaults from here.
    public init(authPerMinute: Int = 45, publicPerMinute: Int = 30, overrides: [String: Int] = ["platform/status": 30]) {
        self.authPerMinute = authPerMinute
        self.publicPerMinute = publicPerMinute
        self.overrides = overrides
    }

    /// No effective limit (for benchmarks and stress tests against the simulator).
    public static let unlimited = RESTRateLimits(authPerMinute: 60_000_000, publicPerMinute: 60_000_000, overrides: [:])

    func perMinute(endpoint: String, authenticated: Bool) -> Int {
        max(1, overrides[endpoint] ?? (authenticated ? authPerMinute : publicPerMinute))
    }
}
