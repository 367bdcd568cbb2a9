import BfxProtocol

/// How the WebSocket and user-data clients hold their `BfxClock` (the one clock abstraction of
/// bfxkit, which their public initialisers take): a concrete, non-generic handle for the hot
/// timer paths. Not a second clock abstraction: it only forwards.
package struct ClientClock: Sendable {
    /// The underlying clock.
    package let base: any BfxClock

    /// Wraps `clock` (`SystemClock` in production, a manual clock in tests).
    package init(_ clock: any BfxClock) { self.base = clock }

    /// The real monotonic clock.
    package static var continuous: ClientClock { ClientClock(SystemClock()) }

    /// The monotonic reading as a `Duration`.
    @inline(__always)
    package func now() -> Duration { base.now() }

    /// Suspends for `duration` on this clock; throws `CancellationError` when cancelled.
    package func sleep(for duration: Duration) async throws { try await base.sleep(for: duration) }
}
