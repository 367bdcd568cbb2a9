import DequeModule

/// The one limiter every connection of an endpoint goes through before opening a socket —
/// first connects and reconnects alike — so a mass disconnect cannot turn into a reconnect
/// storm that exceeds Bitfinex's connection limits.
///
/// An actor: grants are shared mutable state touched by every connection's supervisor task.
actor ConnectionRateLimiter {
    private let limit: ConnectionRateLimit
    private let clock: ClientClock
    /// Times of the grants inside the current window, oldest first.
    private var grants: Deque<Duration> = []
    /// Total opens granted (for status).
    private(set) var granted = 0
    /// Total times a caller had to wait (for status and metrics).
    private(set) var throttled = 0

    init(limit: ConnectionRateLimit, clock: ClientClock) {
        self.limit = limit
        self.clock = clock
    }

    /// Waits until opening one more connection stays within the budget, then records the open.
    /// Returns how long the caller waited.
    @discardableResult
    func acquire() async throws -> Duration {
        let start = clock.now()
        var waited = false
        // Bounded: each pass either grants or sleeps until the oldest grant leaves the window;
        // cancellation ends the wait.
        while true {
            try Task.checkCancellation()
            let now = clock.now()
            while let first = grants.first, now - first >= limit.window { grants.removeFirst() }
            if grants.count < max(1, limit.maxConnections) {
                grants.append(now)
                granted += 1
                if waited { throttled += 1 }
                return now - start
            }
            waited = true
            let wait = (grants.first ?? now) + limit.window - now
            try await clock.sleep(for: max(wait, .milliseconds(1)))
        }
    }

    /// Opens currently counted in the window.
    func inWindow() -> Int {
        let now = clock.now()
        return grants.filter { now - $0 < limit.window }.count
    }
}
