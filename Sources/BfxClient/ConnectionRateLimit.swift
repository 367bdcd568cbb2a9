/// A connection-open budget: at most `maxConnections` opens in any sliding `window`.
///
/// Bitfinex: public endpoint 20 per minute, authenticated endpoint 5 per 15 s
/// (bitfinex-protocol.md §3.4); exceeding them gets the IP banned for a minute.
public struct ConnectionRateLimit: Sendable, Hashable {
    /// Opens allowed per window.
    public var maxConnections: Int
    /// The sliding window.
    public var window: Duration

    /// Creates a budget of `maxConnections` per `window`.
    public init(maxConnections: Int, window: Duration) {
        self.maxConnections = maxConnections
        self.window = window
    }

    /// `api-pub`: 20 connections per minute.
    public static let publicEndpoint = ConnectionRateLimit(maxConnections: 20, window: .seconds(60))
    /// `api` (authenticated): 5 connections per 15 seconds.
    public static let authenticatedEndpoint = ConnectionRateLimit(maxConnections: 5, window: .seconds(15))
}
