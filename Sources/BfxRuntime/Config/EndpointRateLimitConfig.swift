/// One `rate_limits.endpoints[]` entry: a per-endpoint REST budget for `BfxRESTClient`.
///
/// `path` is an endpoint name as the client's limiter sees it (the path after `/v2/` without
/// symbol segments or query, e.g. `auth/r/orders/hist`, `ticker`) or a prefix ending in `*`
/// (`ticker*`, `auth/r/*`). Exact entries win over prefixes; the longest prefix wins among
/// prefixes. Each matching endpoint gets its own bucket of this size.
public struct EndpointRateLimitConfig: Sendable, Hashable, Encodable {
    /// Endpoint name or `prefix*`.
    public var path: String
    /// Requests per minute for each matching endpoint.
    public var perMinute: Int

    /// A budget of `perMinute` requests for the endpoints `path` matches (exact path, or a prefix ending in `*`).
    public init(path: String, perMinute: Int) {
        self.path = path
        self.perMinute = perMinute
    }

    enum CodingKeys: String, CodingKey { case path, perMinute = "per_minute" }
}
