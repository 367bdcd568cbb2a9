/// The one token bucket of bfxkit: a budget of `perMinute` requests with bursts of
/// `perMinute / 6` (at least 1), refilled continuously, on monotonic nanoseconds supplied by the
/// caller (so it runs on any ``BfxClock``, including a test's manual clock).
///
/// Used by the REST client's per-endpoint limits and the runtime's public REST budget, so a
/// `per_minute` in YAML means the same thing on every path. Not thread-safe by itself: the owner
/// keeps it inside an actor or a `Mutex`.
package struct TokenBucket: Sendable {
    /// Requests per minute (the refill rate).
    package let perMinute: Double
    /// The largest burst.
    package let capacity: Double
    private var tokens: Double
    private var updatedNanos: UInt64

    /// A full bucket for `perMinute` requests per minute (at least one per minute).
    package init(perMinute: Double, nowNanos: UInt64) {
        self.perMinute = max(1, perMinute)
        self.capacity = max(1, self.perMinute / 6)
        self.tokens = capacity
        self.updatedNanos = nowNanos
    }

    /// Takes a token and returns nil, or returns the nanoseconds to wait until one is available
    /// (nothing is taken then).
    package mutating func take(nowNanos: UInt64) -> UInt64? {
        let elapsed = nowNanos &- min(nowNanos, updatedNanos)
        tokens = min(capacity, tokens + Double(elapsed) * perMinute / 60e9)
        updatedNanos = max(updatedNanos, nowNanos)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return UInt64(((1 - tokens) * 60e9 / perMinute).rounded(.up))
    }
}
