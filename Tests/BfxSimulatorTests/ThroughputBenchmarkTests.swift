import BfxProtocol
import Foundation
import Testing
@testable import BfxSimulator

/// Measures how many frames per second the simulator pushes to one loopback WebSocket in
/// unthrottled mode (debug build). Opt-in (it saturates the shared event loops and would slow the
/// other suites running in parallel): `BFX_SIM_BENCH=1`, optionally `BFX_SIM_BENCH_SECONDS=N`.
@Suite(
    "Throughput", .serialized, .timeLimit(.minutes(1)),
    .enabled(if: ProcessInfo.processInfo.environment["BFX_SIM_BENCH"] != nil, "set BFX_SIM_BENCH=1 to run")
)
struct ThroughputBenchmarkTests {
    @Test func unthrottledFramesPerSecond() async throws {
        let seconds = Double(ProcessInfo.processInfo.environment["BFX_SIM_BENCH_SECONDS"] ?? "") ?? 1.5
        try await withSimulator(testConfiguration { $0.tickMode = .unthrottled }) { sim in
            let ws = try await TestWS.open(sim)
            for symbol in ["tBTCUSD", "tETHUSD", "tXRPBTC", "tETHBTC"] {
                _ = try await ws.subscribe("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"\(symbol)\",\"prec\":\"R0\",\"len\":\"250\"}")
                _ = try await ws.subscribe("{\"event\":\"subscribe\",\"channel\":\"trades\",\"symbol\":\"\(symbol)\"}")
            }
            let startCount = ws.all.count
            let start = ContinuousClock.now
            try await Task.sleep(for: .milliseconds(Int64(min(seconds, 30) * 1000)))
            let elapsed = ContinuousClock.now - start
            let received = ws.all.count - startCount
            let perSecond = Double(received) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            print("simulator throughput (debug build, one loopback connection, 8 channels): \(Int(perSecond)) frames/s over \(elapsed)")
            #expect(perSecond > 500, "unthrottled mode should push well over 500 frames/s even in a loaded debug build")
            await ws.close()
        }
    }
}
