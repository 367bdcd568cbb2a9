import BfxNonce

/// Requests per minute per endpoint (token buckets, burst = the per-minute budget / 6, at least 1).
///
/// Every endpoint has its own bucket (Bitfinex limits are per endpoint and IP). Its budget is, in
/// order: an exact entry of ``overrides``, else the longest prefix entry (a key ending in `*`,
/// e.g. `ticker*` or `auth/r/orders*`), else ``authPerMinute`` / ``publicPerMinute``. A prefix
/// entry gives each matching endpoint its own bucket of that size; it does not pool them.
public struct RESTRateLimits: Sendable {
    /// Default for authenticated endpoints (conservative: the lowest documented auth budget).
    public var authPerMinute: Int
    /// Default for public endpoints (conservative: 30/min, the budget documented for
    /// ticker/trades/book; other figures range 10–90/min per endpoint).
    public var publicPerMinute: Int
    /// Per-endpoint overrides, keyed by endpoint name (`ticker`, `auth/r/wallets`, …, see
    /// ``endpointName(forPath:)``) or by a prefix ending in `*` (`ticker*`, `auth/r/orders*`).
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

    /// The budget of `endpoint` (an endpoint name): exact override, longest `*` prefix, default.
    public func perMinute(endpoint: String, authenticated: Bool) -> Int {
        if let exact = overrides[endpoint] { return max(1, exact) }
        var best: (length: Int, value: Int)?
        for (key, value) in overrides where key.hasSuffix("*") {
            let prefix = key.dropLast()
            guard endpoint.hasPrefix(prefix), prefix.count > (best?.length ?? -1) else { continue }
            best = (prefix.count, value)
        }
        return max(1, best?.value ?? (authenticated ? authPerMinute : publicPerMinute))
    }

    /// The endpoint name (rate-limit bucket) of a request path after `/v2/`: the path without its
    /// query and without symbol segments (`ticker/tBTCUSD` → `ticker`,
    /// `auth/r/trades/tBTCUSD/hist` → `auth/r/trades/hist`).
    public static func endpointName(forPath path: String) -> String {
        let withoutQuery = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(path)
        let parts = withoutQuery.split(separator: "/")
        let kept = parts.filter { seg in
            !(seg.count > 1 && (seg.first == "t" || seg.first == "f") && seg.dropFirst().allSatisfy { $0.isUppercase || $0.isNumber || $0 == ":" })
        }
        return kept.joined(separator: "/")
    }
}
