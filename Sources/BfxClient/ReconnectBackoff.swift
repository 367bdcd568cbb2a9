/// The reconnect state of one connection: counts consecutive failed attempts, applies the
/// ``ReconnectPolicy`` (including give-up and the stable-period reset) and hands out delays.
///
/// A pure value driven with explicit times, so the whole schedule is unit-tested without I/O.
struct ReconnectBackoff: Sendable {
    /// What to do next after a connection was lost or an attempt failed.
    enum Decision: Equatable, Sendable {
        /// Wait this long, then try again (1-based `attempt`).
        case retry(after: Duration, attempt: Int)
        /// Stop trying: the policy's limits are exhausted.
        case giveUp(reason: String)
    }

    let policy: ReconnectPolicy
    /// Consecutive attempts since the last stable connection.
    private(set) var attempts = 0
    /// When the current outage started (`nil` while connected or before the first outage).
    private(set) var outageStartedAt: Duration?
    /// When the current connection opened.
    private(set) var openedAt: Duration?

    init(policy: ReconnectPolicy) { self.policy = policy }

    /// Records a successful open at `now`.
    mutating func connectionOpened(at now: Duration) {
        openedAt = now
    }

    /// Records that the open connection closed at `now`; resets the counters if it was stable.
    mutating func connectionClosed(at now: Duration) {
        if let openedAt, now - openedAt >= policy.stablePeriod {
            attempts = 0
        }
        openedAt = nil
        if outageStartedAt == nil || attempts == 0 { outageStartedAt = now }
    }

    /// Records a failed connection attempt at `now` (no open happened).
    mutating func attemptFailed(at now: Duration) {
        if outageStartedAt == nil { outageStartedAt = now }
    }

    /// The decision for the next attempt. `immediate` (server asked to reconnect, 20051) skips the
    /// delay for the first attempt of this outage.
    mutating func next(at now: Duration, immediate: Bool, using random: inout some RandomNumberGenerator) -> Decision {
        attempts += 1
        if let maxAttempts = policy.maxAttempts, attempts > maxAttempts {
            return .giveUp(reason: "\(attempts - 1) consecutive reconnect attempts failed (maxAttempts \(maxAttempts))")
        }
        if let limit = policy.giveUpAfter, let start = outageStartedAt, now - start >= limit {
            return .giveUp(reason: "down for \(now - start) (giveUpAfter \(limit))")
        }
        if immediate && attempts == 1 { return .retry(after: .zero, attempt: attempts) }
        return .retry(after: policy.delay(forAttempt: attempts, using: &random), attempt: attempts)
    }
}
