import BfxClient
import BfxNonce
import BfxNoncePostgres
import BfxNonceStress
import BfxProtocol
import BfxSimulator
import BfxTestSupport
import Foundation
import Logging
import Testing

/// Opt-in measurements (`BFX_BENCH=1`): bare nonce issue from the in-memory manager with 1 and
/// 64 callers, and signed REST calls/s through the sequential queue against the simulator with
/// each store. Bounded in count; prints the numbers. Without `BFX_BENCH` a tiny smoke version runs.
@Suite(.serialized) struct NonceBenchmarkTests {
    static var enabled: Bool { ProcessInfo.processInfo.environment["BFX_BENCH"] != nil }

    @Test(.timeLimit(.minutes(2)))
    func bareIssueThroughput() async throws {
        let count = Self.enabled ? 2_000_000 : 10_000
        let manager = NonceManager()
        let start = ContinuousClock.now
        var last: Int64 = 0
        for _ in 0..<count {
            let n = try await manager.nextNonce(for: "bench")
            if n <= last { Issue.record("not increasing"); return }
            last = n
        }
        let one = Double(count) / (ContinuousClock.now - start).secondsDouble
        let perTask = count / 64
        let start64 = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask { for _ in 0..<perTask { _ = try await manager.nextNonce(for: "bench64") } }
            }
            try await group.waitForAll()
        }
        let many = Double(perTask * 64) / (ContinuousClock.now - start64).secondsDouble
        print("BENCH bare nextNonce (memory store): 1 caller \(Int(one))/s, 64 callers \(Int(many))/s")
        let c = await manager.snapshot().keys.first { $0.keyID == "bench64" }?.counters
        #expect(c?.issued == UInt64(perTask * 64))
    }

    @Test(.timeLimit(.minutes(3)))
    func signedRESTCallsPerStore() async throws {
        var config = SimulatorConfiguration()
        config.apiKeys = [.init(key: "bench-key", secret: "bench-secret")]
        config.restAuthLimit = .init(requests: 100_000_000, window: .seconds(60))
        config.tickMode = .manual
        let sim = try await BfxSimulator.start(config, logger: Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { Task { await sim.shutdown() } }
        let dir = temporaryDirectory("bench-file")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var stores: [(NonceStoreKind, String?, String?)] = [(.memory, nil, nil), (.file, dir, nil)]
        if let pg = ProcessInfo.processInfo.environment["BFX_TEST_POSTGRES_URL"] { stores.append((.postgres, nil, pg)) }
        for (kind, path, pg) in stores {
            let options = NonceStressOptions(url: "http://127.0.0.1:\(sim.port)", processes: 1, tasks: 16,
                                             calls: Self.enabled ? 200 : 5, store: kind, storePath: path, postgresURL: pg,
                                             apiKey: "bench-key", apiSecret: "bench-secret")
            let report = try await NonceStress.run(options, executable: "/nonexistent", workerArguments: { _ in [] })
            print("BENCH signed REST calls through the queue (\(kind), 16 tasks, \(report.total) calls): \(Int(report.callsPerSecond))/s")
            #expect(report.serverRejected == 0 && report.serverOutOfOrder == 0 && report.failed == 0,
                    "\(report.firstError ?? "")")
        }
    }
}

