import BfxClient
import BfxNonce
import BfxNonceStress
import BfxSimulator
import Foundation
import Logging
import Testing

/// Stress acceptance on one key against the simulator: 4 processes on the file store and
/// 2 processes on the PostgreSQL store must produce zero rejections and zero out-of-order
/// arrivals (checked on the simulator side). Small in CI; `BFX_STRESS=1` makes them bigger.
@Suite(.serialized) struct MultiProcessStressTests {
    static var big: Bool { ProcessInfo.processInfo.environment["BFX_STRESS"] != nil }

    /// The built `bfxrun` next to the test bundle; nil (skip locally, fail in CI) when absent.
    static func bfxrunPath() -> String? {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir.appendingPathComponent("bfxrun"), dir.deletingLastPathComponent().appendingPathComponent("bfxrun")]
        where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("bfxrun binary not found next to \(dir.path); build with `swift build --build-tests`")
        } else {
            print("skipping multi-process stress: bfxrun not built next to the test bundle")
        }
        return nil
    }

    static func simulator() async throws -> BfxSimulator {
        var config = SimulatorConfiguration()
        config.apiKeys = [.init(key: "stress-key", secret: "stress-secret")]
        config.restAuthLimit = .init(requests: 100_000_000, window: .seconds(60))
        config.tickMode = .manual
        return try await BfxSimulator.start(config, logger: Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func workerArguments(_ o: NonceStressOptions) -> [String] {
        var a = ["nonce", "stress-worker", "--url", o.url, "--tasks", "\(o.tasks)", "--calls", "\(o.calls)",
                 "--store", o.store.rawValue, "--api-key", o.apiKey]
        if let p = o.storePath { a += ["--store-path", p] }
        if let p = o.postgresURL { a += ["--postgres-url", p] }
        return a
    }

    static func check(_ report: NonceStressReport, expected: Int) {
        #expect(report.succeeded == expected, "first error: \(report.firstError ?? "-")")
        #expect(report.failed == 0)
        #expect(report.serverAccepted == expected)
        #expect(report.serverRejected == 0)
        #expect(report.serverOutOfOrder == 0)
        #expect(report.clientNonceRejections == 0)
        print("stress \(report.store) \(report.processes)p×\(report.tasks)t×\(report.calls)c: \(Int(report.callsPerSecond)) calls/s")
    }

    @Test(.timeLimit(.minutes(3)))
    func fourProcessesOnTheFileStore() async throws {
        guard let bfxrun = Self.bfxrunPath() else { return }
        let sim = try await Self.simulator()
        defer { Task { await sim.shutdown() } }
        let dir = temporaryDirectory("stress-file")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let options = NonceStressOptions(url: "http://127.0.0.1:\(sim.port)", processes: 4, tasks: 4, calls: Self.big ? 400 : 25,
                                         store: .file, storePath: dir, apiKey: "stress-key", apiSecret: "stress-secret")
        let report = try await NonceStress.run(options, executable: bfxrun, workerArguments: Self.workerArguments)
        Self.check(report, expected: 4 * 4 * options.calls)
    }

    @Test(.timeLimit(.minutes(3)))
    func twoProcessesOnThePostgresStore() async throws {
        guard let url = postgresURL(), let bfxrun = Self.bfxrunPath() else { return }
        let sim = try await Self.simulator()
        defer { Task { await sim.shutdown() } }
        // A fresh simulator key state but possibly an old PG row: the counter only moves up, fine.
        let options = NonceStressOptions(url: "http://127.0.0.1:\(sim.port)", processes: 2, tasks: 4, calls: Self.big ? 400 : 25,
                                         store: .postgres, postgresURL: url, apiKey: "stress-key", apiSecret: "stress-secret")
        let report = try await NonceStress.run(options, executable: bfxrun, workerArguments: Self.workerArguments)
        Self.check(report, expected: 2 * 4 * options.calls)
    }

    @Test(.timeLimit(.minutes(3)))
    func sixtyFourTasksInOneProcess() async throws {
        let sim = try await Self.simulator()
        defer { Task { await sim.shutdown() } }
        let options = NonceStressOptions(url: "http://127.0.0.1:\(sim.port)", processes: 1, tasks: 64, calls: Self.big ? 100 : 10,
                                         store: .memory, apiKey: "stress-key", apiSecret: "stress-secret")
        let report = try await NonceStress.run(options, executable: "/nonexistent", workerArguments: Self.workerArguments)
        Self.check(report, expected: 64 * options.calls)
    }
}
