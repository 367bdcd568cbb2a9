/// Queue-wait percentiles, µs.
public struct NonceWaitPercentiles: Sendable, Codable, Equatable {
    /// Number of samples.
    public var samples: Int
    /// Median.
    public var p50: UInt64
    /// 90th percentile.
    public var p90: UInt64
    /// 99th percentile.
    public var p99: UInt64
    /// Maximum.
    public var max: UInt64

    static func of(_ values: [UInt64]) -> NonceWaitPercentiles {
        guard !values.isEmpty else { return NonceWaitPercentiles(samples: 0, p50: 0, p90: 0, p99: 0, max: 0) }
        let sorted = values.sorted()
        func at(_ q: Double) -> UInt64 { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q + 0.5))] }
        return NonceWaitPercentiles(samples: sorted.count, p50: at(0.5), p90: at(0.9), p99: at(0.99),
                                    max: sorted[sorted.count - 1])
    }
}
