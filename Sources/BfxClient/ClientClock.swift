import BfxProtocol

/// The clock handle of the WebSocket and user-data clients: a `BfxClock` (the one
/// clock abstraction of bfxkit) read as a `Duration` since its origin.
public struct ClientClock: Sendable {
    /// The underlying clock.
    public let base: any BfxClock

    /// Wraps `clock` (`SystemClock` in production, a manual clock in tests).
    public init(_ clock: any BfxClock) { self.base = clock }

    /// The real monotonic clock.
    public static var continuous: ClientClock { ClientClock(SystemClock()) }

    /// The monotonic reading as a `Duration`.
    @inline(__always)
    public func now() -> Duration { base.now() }

    /// Suspends for `duration` on this clock; throws `CancellationError` when cancelled.
    public func sleep(for duration: Duration) async throws { try await base.sleep(for: duration) }
}
