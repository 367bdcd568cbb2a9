/// The one clock abstraction of bfxkit: every timer of the WebSocket client (reconnect backoff,
/// heartbeat and handshake deadlines, pings, connection rate limit), the REST client (rate limits,
/// retry backoff), the nonce manager (wall-clock nonces, queue deadlines, aging) and the runtime
/// reads time and sleeps through it.
///
/// Production uses ``SystemClock``; tests inject the manual clock of the `BfxTestSupport` target
/// and drive every deadline in virtual time, including a wall clock that steps backwards.
public protocol BfxClock: Sendable {
    /// Microseconds since the UNIX epoch (the scale Bitfinex nonces use).
    func wallMicros() -> UInt64
    /// A monotonic reading in nanoseconds (arbitrary origin, never goes back).
    func monotonicNanos() -> UInt64
    /// Suspends until `monotonicNanos() >= deadline`; throws `CancellationError` when cancelled.
    func sleep(untilMonotonicNanos deadline: UInt64) async throws
}

extension BfxClock {
    /// Suspends for `duration` on this clock (returns at once, after a cancellation check, for a
    /// duration ≤ 0).
    public func sleep(for duration: Duration) async throws {
        if duration <= .zero {
            try Task.checkCancellation()
            return
        }
        try await sleep(untilMonotonicNanos: monotonicNanos() &+ duration.nanosecondsClamped)
    }

    /// The monotonic reading as a `Duration` since the clock's origin (timer arithmetic).
    @inline(__always)
    public func now() -> Duration { .nanoseconds(Int64(clamping: monotonicNanos())) }
}
