import BfxProtocol
import BfxNonce
import Metrics
import Synchronization

/// Per-endpoint token buckets plus a global "blocked until" after `ERR_RATE_LIMIT`, on an
/// injected `BfxClock` so tests run in virtual time. Waiting happens before a signed call
/// enters the nonce queue, so a throttled endpoint never holds the key's send slot.
final class RESTRateLimiter: Sendable {
    private struct State {
        var buckets: [String: TokenBucket] = [:]
        var blockedUntilNanos: UInt64 = 0
        /// Times a call waited for its endpoint's token (not for a global block), per endpoint name.
        var waitCounts: [String: Int] = [:]
    }

    private let limits: RESTRateLimits
    private let clock: any BfxClock
    /// Touched by every request task concurrently; short non-suspending critical sections.
    private let state = Mutex(State())
    private let waits = Counter(label: "bfx_rest_rate_limit_waits_total")
    private let observer: (@Sendable (RESTRateLimitWait) -> Void)?

    init(limits: RESTRateLimits, clock: any BfxClock, observer: (@Sendable (RESTRateLimitWait) -> Void)? = nil) {
        self.limits = limits
        self.clock = clock
        self.observer = observer
    }

    /// Waits until `endpoint` has a token (and any global block has passed), then takes it.
    func acquire(endpoint: String, authenticated: Bool) async throws {
        let perMinute = Double(limits.perMinute(endpoint: endpoint, authenticated: authenticated))
        for _ in 0..<10_000 {
            let now = clock.monotonicNanos()
            let decision: (until: UInt64, blocked: Bool)? = state.withLock { s in
                if s.blockedUntilNanos > now { return (s.blockedUntilNanos, true) }
                let key = (authenticated ? "a:" : "p:") + endpoint
                var bucket = s.buckets[key] ?? TokenBucket(perMinute: perMinute, nowNanos: now)
                defer { s.buckets[key] = bucket }
                guard let wait = bucket.take(nowNanos: now) else { return nil }
                s.waitCounts[endpoint, default: 0] += 1
                return (now &+ wait, false)
            }
            guard let (waitUntil, blocked) = decision else { return }
            waits.increment()
            observer?(RESTRateLimitWait(
                endpoint: endpoint, authenticated: authenticated, duration: .nanoseconds(Int64(clamping: waitUntil &- now)),
                reason: blocked ? .serverBlock : .endpointBudget
            ))
            try await clock.sleep(untilMonotonicNanos: waitUntil)
        }
        throw BfxRESTError.transport(path: endpoint, message: "rate limiter did not grant a token")
    }

    /// How often calls to `endpoint` waited for a token.
    /// Like ``acquire(endpoint:authenticated:)`` but gives up, without taking a token, when the
    /// token would come later than `maxWait` from now (the gateway then answers 429 locally
    /// instead of queueing callers without bound). Returns whether a token was taken.
    func acquire(endpoint: String, authenticated: Bool, maxWait: Duration) async throws -> Bool {
        let perMinute = Double(limits.perMinute(endpoint: endpoint, authenticated: authenticated))
        let deadline = clock.monotonicNanos() &+ maxWait.nanosecondsClamped
        for _ in 0..<10_000 {
            let now = clock.monotonicNanos()
            let waitUntil: UInt64? = state.withLock { s in
                if s.blockedUntilNanos > now { return s.blockedUntilNanos }
                let key = (authenticated ? "a:" : "p:") + endpoint
                var bucket = s.buckets[key] ?? TokenBucket(perMinute: perMinute, nowNanos: now)
                defer { s.buckets[key] = bucket }
                guard let wait = bucket.take(nowNanos: now) else { return nil }
                s.waitCounts[endpoint, default: 0] += 1
                return now &+ wait
            }
            guard let waitUntil else { return true }
            guard waitUntil <= deadline else { return false }
            waits.increment()
            try await clock.sleep(untilMonotonicNanos: waitUntil)
        }
        return false
    }

    func waits(endpoint: String) -> Int {
        state.withLock { $0.waitCounts[endpoint] ?? 0 }
    }

    /// Blocks every endpoint for `duration` (after `ERR_RATE_LIMIT`/429).
    func block(for duration: Duration) {
        let until = clock.monotonicNanos() &+ duration.nanosecondsClamped
        state.withLock { s in s.blockedUntilNanos = max(s.blockedUntilNanos, until) }
    }

    /// Remaining global block, if any.
    var blockedFor: Duration? {
        let now = clock.monotonicNanos()
        let until = state.withLock { $0.blockedUntilNanos }
        return until > now ? .nanoseconds(Int64(clamping: until - now)) : nil
    }
}
