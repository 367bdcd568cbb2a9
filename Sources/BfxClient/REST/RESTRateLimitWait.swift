/// One wait imposed by REST rate limiting, reported to the `onRateLimitWait` observer of a
/// ``BfxRESTClient`` before the call sleeps (so a long wait is visible while it happens).
public struct RESTRateLimitWait: Sendable, Hashable, CustomStringConvertible {
    /// Why the call waits.
    public enum Reason: String, Sendable, Hashable {
        /// The endpoint's client-side budget (``RESTRateLimits``, requests per minute) is used up.
        case endpointBudget = "endpoint budget"
        /// The server answered `ERR_RATE_LIMIT`/429: every endpoint waits out the block
        /// (`Retry-After`, or ``BfxRESTConfiguration/rateLimitBackoff``, 60 s by default).
        case serverBlock = "server rate limit"
    }

    /// The endpoint name (see ``RESTRateLimits/endpointName(forPath:)``), e.g. `auth/r/wallets`.
    public var endpoint: String
    /// Whether it is an authenticated endpoint.
    public var authenticated: Bool
    /// How long the call waits.
    public var duration: Duration
    /// Why.
    public var reason: Reason

    /// A wait of `duration` for `endpoint`.
    public init(endpoint: String, authenticated: Bool, duration: Duration, reason: Reason) {
        self.endpoint = endpoint
        self.authenticated = authenticated
        self.duration = duration
        self.reason = reason
    }

    /// `auth/r/wallets waits 1.2 s (server rate limit)`.
    public var description: String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return "\(endpoint) waits \((seconds * 1000).rounded() / 1000) s (\(reason.rawValue))"
    }
}
