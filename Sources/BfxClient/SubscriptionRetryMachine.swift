/// The bounded retry schedule of one kind of channel request (`subscribe` or the resync
/// `unsubscribe`) answered with retryable errors (10300, 10400, 11000, 10008).
///
/// Wraps a ``ReconnectBackoff`` driven by ``BfxClientConfiguration/subscribeRetry``: each failure
/// yields either a delay (exponential, capped, with jitter drawn from the injected generator) or
/// the decision to give up once `maxAttempts` / `giveUpAfter` are exhausted. A pure value: time
/// comes in as `now`, randomness as an `inout` generator, so schedules are reproducible in tests.
struct SubscriptionRetryMachine: Sendable {
    /// What to do after one more retryable failure.
    enum Decision: Equatable, Sendable {
        /// Send the request again after `delay` (1-based `attempt` of the policy).
        case retry(after: Duration, attempt: Int)
        /// Retries are used up: `attempts` requests failed; `reason` says which limit was hit.
        case giveUp(reason: String, attempts: Int)
    }

    /// The retry policy (``BfxClientConfiguration/subscribeRetry``).
    let policy: ReconnectPolicy
    /// `nil` until the first failure; reset by ``reset()`` when the request succeeds.
    private var backoff: ReconnectBackoff?

    /// Creates an idle schedule for `policy`.
    init(policy: ReconnectPolicy) { self.policy = policy }

    /// Consecutive failures recorded since the last ``reset()``.
    var attempts: Int { backoff?.attempts ?? 0 }

    /// Whether at least one failure is recorded (a retry sequence is in progress).
    var isRetrying: Bool { backoff != nil }

    /// Records one retryable failure at `now` and decides: retry after a jittered delay, or give up.
    mutating func failed(at now: Duration, using random: inout some RandomNumberGenerator) -> Decision {
        var current = backoff ?? ReconnectBackoff(policy: policy)
        current.attemptFailed(at: now)
        let decision = current.next(at: now, immediate: false, using: &random)
        backoff = current
        switch decision {
        case .retry(let delay, let attempt):
            return .retry(after: delay, attempt: attempt)
        case .giveUp(let reason):
            return .giveUp(reason: reason, attempts: current.attempts)
        }
    }

    /// Forgets the failures (the request succeeded, or the socket it was for is gone).
    mutating func reset() { backoff = nil }
}
