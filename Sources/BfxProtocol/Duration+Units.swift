extension Duration {
    /// The duration as floating-point seconds (metrics, logs, reports, backoff arithmetic).
    package var secondsDouble: Double {
        let (seconds, attos) = components
        return Double(seconds) + Double(attos) / 1e18
    }

    /// The duration in whole milliseconds, rounded toward zero.
    package var millisecondsInt: Int64 {
        let (seconds, attos) = components
        return seconds &* 1000 &+ attos / 1_000_000_000_000_000
    }

    /// The duration in whole nanoseconds, clamped to `0...UInt64.max` (monotonic clock arithmetic).
    package var nanosecondsClamped: UInt64 {
        let (seconds, attos) = components
        if seconds < 0 { return 0 }
        let (ns, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        return ns &+ UInt64(max(0, attos) / 1_000_000_000)
    }

    /// The duration in whole microseconds, clamped to `0...UInt64.max` (wall-clock nonce arithmetic).
    package var microsecondsClamped: UInt64 { nanosecondsClamped / 1_000 }
}
