/// Spacing for `calc` inputs: Bitfinex allows at most 30 requests per batch and 8 calculations
/// per second per client, and may disconnect spammers (protocol reference §3.4, §7.6).
///
/// Pure: the caller passes the monotonic `now` and sleeps for the returned delay. A sliding
/// window of the last `limit` send times guarantees no window of `window` length ever holds
/// more than `limit` sends.
package struct CalcThrottle: Sendable {
    /// Maximum sends per window (8 by default).
    package let limit: Int
    /// Window length (1 s by default).
    package let window: Duration
    private var sent: [Duration] = []

    /// Creates a throttle allowing `limit` sends per `window`.
    package init(limit: Int = 8, window: Duration = .seconds(1)) {
        self.limit = max(1, limit)
        self.window = window
    }

    /// Reserves a send slot and returns how long to wait before using it (zero = now).
    package mutating func reserve(now: Duration) -> Duration {
        sent.removeAll { $0 <= now - window }
        let slot: Duration
        if sent.count < limit {
            slot = max(now, sent.last ?? now)
        } else {
            // The (count - limit + 1)-th newest send must leave the window first.
            slot = max(now, sent[sent.count - limit] + window)
        }
        sent.append(slot)
        return slot - now
    }
}
