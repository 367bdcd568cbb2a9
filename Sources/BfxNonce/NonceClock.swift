import Foundation
import Synchronization

/// The time source of a ``NonceManager``: the wall clock that nonce values follow, a
/// monotonic clock for queue waits, deadlines and aging, and a way to sleep on it.
///
/// Injected so tests can step the wall clock (including backwards) and drive deadlines in
/// virtual time; production uses ``SystemNonceClock``.
public protocol NonceClock: Sendable {
    /// Microseconds since the UNIX epoch (the scale Bitfinex nonces use).
    func wallMicros() -> UInt64
    /// A monotonic reading in nanoseconds (arbitrary origin, never goes back).
    func monotonicNanos() -> UInt64
    /// Suspends until `monotonicNanos() >= deadline`; throws `CancellationError` when cancelled.
    func sleep(untilMonotonicNanos deadline: UInt64) async throws
}

extension NonceClock {
    /// Suspends for `duration` on this clock.
    public func sleep(for duration: Duration) async throws {
        try await sleep(untilMonotonicNanos: monotonicNanos() &+ duration.nanosecondsClamped)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to `0...UInt64.max`.
    var nanosecondsClamped: UInt64 {
        let (seconds, attos) = components
        if seconds < 0 { return 0 }
        let (ns, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        return ns &+ UInt64(max(0, attos) / 1_000_000_000)
    }

    /// The duration in microseconds, clamped to `0...UInt64.max`.
    var microsecondsClamped: UInt64 { nanosecondsClamped / 1_000 }
}
