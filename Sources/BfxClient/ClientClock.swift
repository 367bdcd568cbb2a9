/// A type-erased monotonic clock that drives every timer of the WebSocket client: reconnect
/// backoff, heartbeat deadlines, app-level pings, the stable-period reset and the connection
/// rate limiter.
///
/// Wrapping any `Clock` whose duration is `Duration` keeps the client non-generic while tests
/// inject a ``ManualClock`` and production uses `ContinuousClock`.
public struct ClientClock: Sendable {
    private let nowFn: @Sendable () -> Duration
    private let sleepFn: @Sendable (Duration) async throws -> Void

    /// Wraps `clock`; readings are measured from the moment of wrapping.
    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        self.nowFn = { origin.duration(to: clock.now) }
        self.sleepFn = { duration in
            try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil)
        }
    }

    /// The real monotonic clock.
    public static var continuous: ClientClock { ClientClock(ContinuousClock()) }

    /// Time elapsed since this clock was wrapped (monotonic).
    @inline(__always)
    public func now() -> Duration { nowFn() }

    /// Suspends for `duration` on this clock; throws `CancellationError` when cancelled.
    public func sleep(for duration: Duration) async throws {
        if duration <= .zero {
            try Task.checkCancellation()
            return
        }
        try await sleepFn(duration)
    }
}

extension Duration {
    /// The duration as floating-point seconds (for metrics, logs and backoff arithmetic).
    var secondsDouble: Double {
        let (seconds, attos) = components
        return Double(seconds) + Double(attos) / 1e18
    }

    /// The duration in whole milliseconds (rounded toward zero).
    var millisecondsInt: Int64 {
        let (seconds, attos) = components
        return seconds &* 1000 &+ attos / 1_000_000_000_000_000
    }
}
