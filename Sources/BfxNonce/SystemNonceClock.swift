import Foundation
import Synchronization

/// The real clocks: `gettimeofday`-class wall time and `CLOCK_MONOTONIC`.
public struct SystemNonceClock: NonceClock {
    /// Creates the system clock.
    public init() {}

    /// Microseconds since the UNIX epoch from `CLOCK_REALTIME`.
    @inline(__always)
    public func wallMicros() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(max(0, ts.tv_sec)) &* 1_000_000 &+ UInt64(max(0, ts.tv_nsec)) / 1_000
    }

    /// Nanoseconds from `CLOCK_MONOTONIC`.
    @inline(__always)
    public func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(max(0, ts.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, ts.tv_nsec))
    }

    /// Sleeps with `Task.sleep` until the monotonic deadline.
    public func sleep(untilMonotonicNanos deadline: UInt64) async throws {
        let now = monotonicNanos()
        guard deadline > now else { return }
        try await Task.sleep(nanoseconds: deadline - now)
    }
}
