#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real clocks: `CLOCK_REALTIME` wall time and `CLOCK_MONOTONIC`, sleeping with `Task.sleep`.
public struct SystemClock: BfxClock {
    /// The system clock (stateless: every instance reads the same clocks).
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
        guard deadline > now else {
            try Task.checkCancellation()
            return
        }
        try await Task.sleep(nanoseconds: deadline - now)
    }
}
