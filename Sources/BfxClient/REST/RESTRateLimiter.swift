import BfxNonce
import Metrics
import Synchronization

/// Per-endpoint token buckets plus a global "blocked until" after `ERR_RATE_LIMIT`, on an
/// injected ``NonceClock`` so tests run in virtual time. Waiting happens before a signed call
/// enters the nonce queue, so a throttled endpoint never holds the key's send slot.
final class RESTRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedNanos: UInt64
        let capacity: Double
        let tokensPerNano: Double
    }

    private struct State {
        var buckets: [String: Bucket] = [:]
        var blockedUntilNanos: UInt64 = 0
        /// Times a call waited for its endpoint's token (not for a global block), per endpoint name.
        var waitCounts: [String: Int] = [:]
    }

    private let limits: RESTRateLimits
    private let clock: any NonceClock
    /// Touched by every request task concurrently; short non-suspending critical sections.
    private let state = Mutex(State())
    private let waits = Counter(label: "bfx_rest_rate_limit_waits_total")

    init(limits: RESTRateLimits, clock: any NonceClock) {
        self.limits = limits
        self.clock = clock
    }

    /// Waits until `endpoint` has a token (and any global block has passed), then takes it.
    func acquire(endpoint: String, authenticated: Bool) async throws {
        let perMinute = Double(limits.perMinute(endpoint: endpoint, authenticated: authenticated))
        for _ in 0..<10_000 {
            let now = clock.monotonicNanos()
            let waitUntil: UInt64? = state.withLock { s in
                if s.blockedUntilNanos > now { return s.blockedUntilNanos }
                let key = (authenticated ? "a:" : "p:") + endpoint
                var b = s.buckets[key] ?? Bucket(tokens: max(1, perMinute / 6), updatedNanos: now,
                                                  capacity: max(1, perMinute / 6), tokensPerNano: perMinute / 60e9)
                b.tokens = min(b.capacity, b.tokens + Double(now &- min(now, b.updatedNanos)) * b.tokensPerNano)
                b.updatedNanos = now
                defer { s.buckets[key] = b }
                if b.tokens >= 1 {
                    b.tokens -= 1
                    return nil
                }
                s.waitCounts[endpoint, default: 0] += 1
                return now &+ UInt64(((1 - b.tokens) / b.tokensPerNano).rounded(.up))
            }
            guard let waitUntil else { return }
            waits.increment()
            try await clock.sleep(untilMonotonicNanos: waitUntil)
        }
        throw BfxRESTError.transport(path: endpoint, message: "rate limiter did not grant a token")
    }

    /// How often calls to `endpoint` waited for a token.
    func waits(endpoint: String) -> Int {
        state.withLock { $0.waitCounts[endpoint] ?? 0 }
    }

    /// Blocks every endpoint for `duration` (after `ERR_RATE_LIMIT`/429).
    func block(for duration: Duration) {
        let until = clock.monotonicNanos() &+ duration.componentsNanos
        state.withLock { s in s.blockedUntilNanos = max(s.blockedUntilNanos, until) }
    }

    /// Remaining global block, if any.
    var blockedFor: Duration? {
        let now = clock.monotonicNanos()
        let until = state.withLock { $0.blockedUntilNanos }
        return until > now ? .nanoseconds(Int64(clamping: until - now)) : nil
    }
}

extension Duration {
    /// Whole nanoseconds, clamped at zero.
    var componentsNanos: UInt64 {
        let (s, a) = components
        guard s >= 0 else { return 0 }
        return UInt64(s) &* 1_000_000_000 &+ UInt64(max(0, a) / 1_000_000_000)
    }
}
