import BfxNonce

/// Settings of a ``BfxRESTClient``.
public struct BfxRESTConfiguration: Sendable {
    /// Base URL of public endpoints (`/v2/...` is appended). Live: `https://api-pub.bitfinex.com`.
    public var publicBaseURL: String
    /// Base URL of authenticated endpoints. Live: `https://api.bitfinex.com`.
    public var authBaseURL: String
    /// Per-request timeout.
    public var timeout: Duration
    /// Largest response body accepted.
    public var maxResponseBytes: Int
    /// Token-bucket limits per endpoint.
    public var rateLimits: RESTRateLimits
    /// How often a call that hit `ERR_RATE_LIMIT`/429 is retried after backing off.
    public var rateLimitRetries: Int
    /// How long to back off after `ERR_RATE_LIMIT`/429 without a `Retry-After` (Bitfinex blocks the IP ~60 s).
    public var rateLimitBackoff: Duration
    /// How often a read (public or `auth/r/`) failing with a retryable error is retried.
    public var readRetries: Int
    /// First backoff for retryable read errors (doubled per attempt).
    public var readRetryBackoff: Duration
    /// Default priority per authenticated path prefix (longest prefix wins); others use `.normal`.
    public var priorities: [String: NoncePriority]

    /// The live Bitfinex endpoints.
    public static let live = BfxRESTConfiguration(publicBaseURL: "https://api-pub.bitfinex.com",
                                                  authBaseURL: "https://api.bitfinex.com")

    /// Both public and authenticated calls to one base URL (e.g. the simulator's `http://127.0.0.1:PORT`).
    public static func singleHost(_ baseURL: String) -> BfxRESTConfiguration {
        BfxRESTConfiguration(publicBaseURL: baseURL, authBaseURL: baseURL)
    }

    /// A configuration for the given public and authenticated base URLs (`https://api-pub.bitfinex.com`,
    /// `https://api.bitfinex.com` live; the simulator's URL for both in tests); other fields as documented on each property.
    public init(publicBaseURL: String, authBaseURL: String, timeout: Duration = .seconds(15),
                maxResponseBytes: Int = 16 << 20, rateLimits: RESTRateLimits = RESTRateLimits(),
                rateLimitRetries: Int = 1, rateLimitBackoff: Duration = .seconds(60),
                readRetries: Int = 2, readRetryBackoff: Duration = .milliseconds(250),
                priorities: [String: NoncePriority] = BfxRESTConfiguration.defaultPriorities) {
        self.publicBaseURL = publicBaseURL.hasSuffix("/") ? String(publicBaseURL.dropLast()) : publicBaseURL
        self.authBaseURL = authBaseURL.hasSuffix("/") ? String(authBaseURL.dropLast()) : authBaseURL
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.rateLimits = rateLimits
        self.rateLimitRetries = rateLimitRetries
        self.rateLimitBackoff = rateLimitBackoff
        self.readRetries = readRetries
        self.readRetryBackoff = readRetryBackoff
        self.priorities = priorities
    }

    /// Cancels critical, writes high, reads normal, history low.
    public static let defaultPriorities: [String: NoncePriority] = [
        "auth/w/order/cancel": .critical,
        "auth/w/": .high,
        "auth/r/": .normal,
        "auth/r/trades/hist": .low,
        "auth/r/ledgers/hist": .low,
        "auth/r/orders/hist": .low,
    ]

    /// The priority for `path` (longest matching prefix).
    public func priority(for path: String) -> NoncePriority {
        var best: (Int, NoncePriority) = (-1, .normal)
        for (prefix, priority) in priorities where path.hasPrefix(prefix) && prefix.count > best.0 {
            best = (prefix.count, priority)
        }
        return best.1
    }
}
