/// A token bucket for the runtime's own public REST calls (`Runtime.restCall` on a public path).
///
/// Written by hand because BfxClient's per-endpoint limiter is internal to `BfxRESTClient`, which
/// has no generic public call; the shape (burst = budget / 6, at least 1; refill budget / 60 s)
/// matches that limiter so `rate_limits.rest_public_per_minute` means the same thing on both paths.
/// Lives inside the `Runtime` actor (no locking needed).
struct TokenBucket: Sendable {
    /// Requests per minute.
    let perMinute: Int
    /// Largest burst.
    let capacity: Double
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    /// A full bucket for `perMinute` requests per minute.
    init(perMinute: Int, now: ContinuousClock.Instant = .now) {
        self.perMinute = max(1, perMinute)
        self.capacity = max(1, Double(self.perMinute) / 6)
        self.tokens = capacity
        self.updated = now
    }

    /// Takes a token and returns nil, or returns how long to wait before one is available.
    mutating func take(now: ContinuousClock.Instant = .now) -> Duration? {
        let elapsed = now - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(capacity, tokens + max(0, seconds) * Double(perMinute) / 60)
        updated = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return .milliseconds(Int64(((1 - tokens) * 60_000 / Double(perMinute)).rounded(.up)))
    }
}
