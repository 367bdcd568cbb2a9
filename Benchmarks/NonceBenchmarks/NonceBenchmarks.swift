// Benchmarks for the nonce issue hot path: one `nextNonce(for:)` per scaled iteration through
// the full ordered path of an in-memory `NonceManager` (queue baton, sequence, history, metrics),
// uncontended and with 64 concurrent callers on one key.
import Benchmark
import BfxNonce

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .throughput, .mallocCountTotal]
    let config = Benchmark.Configuration(metrics: metrics, scalingFactor: .mega, maxDuration: .seconds(5), maxIterations: 100)

    Benchmark("NonceManager.nextNonce, 1 caller", configuration: config) { benchmark in
        let manager = NonceManager()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await manager.nextNonce(for: "bench"))
        }
    }

    Benchmark("NonceManager.nextNonce, 64 callers on one key", configuration: config) { benchmark in
        let manager = NonceManager()
        let perTask = max(1, benchmark.scaledIterations.count / 64)
        benchmark.startMeasurement()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask { for _ in 0..<perTask { blackHole(try await manager.nextNonce(for: "bench")) } }
            }
            try await group.waitForAll()
        }
    }

    Benchmark("NonceSequence.next (pure rule)", configuration: config) { benchmark in
        var sequence = NonceSequence()
        var now: UInt64 = 1_700_000_000_000_000
        for _ in benchmark.scaledIterations {
            now &+= 1
            blackHole(try sequence.next(nowMicros: now, keyID: "bench"))
        }
    }
}
