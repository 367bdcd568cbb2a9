import AsyncHTTPClient
import BfxClient
import BfxNonce
import BfxNoncePostgres
import BfxProtocol
import Foundation
import Logging
import NIOCore
import Synchronization

/// Runs nonce stress: many tasks (and processes) issuing signed REST calls on one key.
public enum NonceStress {
    /// Runs `tasks × calls` signed calls in this process and returns the counts. `report` gets
    /// every rate-limit wait as it starts and, every `options.progressInterval` seconds, a
    /// progress line, so a run throttled by the server never goes silent.
    public static func runWorker(_ options: NonceStressOptions, logger: Logger = Logger(label: "bfxkit.stress"),
                                 report: @escaping @Sendable (NonceStressEvent) -> Void = { _ in }) async throws -> NonceStressWorkerResult {
        let store: any NonceStore
        switch options.store {
        case .memory: store = MemoryNonceStore()
        case .file:
            guard let path = options.storePath else { throw BfxRESTError.invalidURL("--store-path is required for the file store") }
            store = FileNonceStore(directory: path)
        case .postgres:
            guard let url = options.postgresURL else { throw BfxRESTError.invalidURL("--postgres-url is required for the postgres store") }
            store = try PostgresNonceStore(url: url)
        }
        let managerConfig = NonceManagerConfiguration(
            unknownOutcomeQuarantine: .milliseconds(Int64((max(0, options.unknownOutcomeQuarantine) * 1000).rounded())))
        let manager = NonceManager(configuration: managerConfig, defaultStore: store, logger: logger)
        var config = BfxRESTConfiguration.singleHost(options.url)
        config.timeout = .milliseconds(Int64((max(0.001, options.requestTimeout) * 1000).rounded()))
        config.rateLimits = .unlimited
        config.readRetries = 0
        config.rateLimitRetries = 0
        config.rateLimitBackoff = .milliseconds(Int64((max(0, options.rateLimitBackoff) * 1000).rounded()))
        let client = BfxRESTClient(configuration: config, credentials: BfxCredentials(apiKey: options.apiKey, secret: options.apiSecret),
                                   keyID: "stress", nonceManager: manager, logger: logger,
                                   onRateLimitWait: { report(.rateLimitWait($0)) })
        let start = ContinuousClock.now
        let counts = CallCounts()
        let progress = Task {
            guard options.progressInterval > 0 else { return }
            let interval = Duration.milliseconds(Int64((options.progressInterval * 1000).rounded()))
            // Bounded by cancellation (the run ended) and by the worst-case run length.
            for _ in 0..<10_000_000 {
                do { try await Task.sleep(for: interval) } catch { return }
                let rejected = await manager.snapshot().keys.first?.counters.nonceRejected ?? 0
                report(.progress(NonceStressProgress(
                    done: counts.done.load(ordering: .relaxed), failed: counts.failed.load(ordering: .relaxed),
                    total: max(1, options.tasks) * max(0, options.calls), nonceRejections: Int(rejected),
                    seconds: (ContinuousClock.now - start).secondsDouble
                )))
            }
        }
        let (ok, failed, firstError) = await withTaskGroup(of: (Int, Int, String?).self) { group in
            for _ in 0..<max(1, options.tasks) {
                group.addTask {
                    var ok = 0
                    var failed = 0
                    var first: String?
                    for _ in 0..<max(0, options.calls) {
                        do {
                            _ = try await client.call(path: options.path)
                            ok += 1
                            counts.done.add(1, ordering: .relaxed)
                        } catch {
                            failed += 1
                            counts.done.add(1, ordering: .relaxed)
                            counts.failed.add(1, ordering: .relaxed)
                            if first == nil { first = "\(error)" }
                        }
                    }
                    return (ok, failed, first)
                }
            }
            var total = (0, 0, String?.none)
            for await r in group {
                total.0 += r.0
                total.1 += r.1
                total.2 = total.2 ?? r.2
            }
            return total
        }
        progress.cancel()
        let seconds = (ContinuousClock.now - start).secondsDouble
        let counters = await manager.snapshot().keys.first?.counters
        await manager.shutdown()
        return NonceStressWorkerResult(succeeded: ok, failed: failed, nonceRejected: Int(counters?.nonceRejected ?? 0), seconds: seconds,
                                       firstError: firstError, quarantined: Int(counters?.quarantined ?? 0))
    }

    /// Runs the whole stress: reads the simulator's nonce stats, runs the workers (spawning
    /// `processes` copies of `executable` with `workerArguments` when `processes > 1`), reads
    /// the stats again and reports the difference.
    public static func run(_ options: NonceStressOptions, executable: String,
                           workerArguments: @Sendable (NonceStressOptions) -> [String],
                           logger: Logger = Logger(label: "bfxkit.stress"),
                           report: @escaping @Sendable (NonceStressEvent) -> Void = { _ in }) async throws -> NonceStressReport {
        let ledgerURL = options.ledgerURL ?? options.url
        let ledgerKey = options.ledgerKey ?? options.apiKey
        let before = try await simulatorNonceStats(baseURL: ledgerURL, apiKey: ledgerKey)
        let start = ContinuousClock.now
        var workers: [NonceStressWorkerResult] = []
        if options.processes <= 1 {
            workers.append(try await runWorker(options, logger: logger, report: report))
        } else {
            workers = try await spawnWorkers(options, executable: executable, arguments: workerArguments(options))
        }
        let seconds = (ContinuousClock.now - start).secondsDouble
        let after = try await simulatorNonceStats(baseURL: ledgerURL, apiKey: ledgerKey)
        let succeeded = workers.reduce(0) { $0 + $1.succeeded }
        return NonceStressReport(
            processes: options.processes, tasks: options.tasks, calls: options.calls, store: options.store,
            total: max(1, options.processes) * max(1, options.tasks) * max(0, options.calls),
            succeeded: succeeded, failed: workers.reduce(0) { $0 + $1.failed },
            clientNonceRejections: workers.reduce(0) { $0 + $1.nonceRejected }, seconds: seconds,
            callsPerSecond: seconds > 0 ? Double(succeeded) / seconds : 0,
            serverAccepted: after.accepted - before.accepted, serverRejected: after.rejected - before.rejected,
            serverOutOfOrder: after.outOfOrder - before.outOfOrder, workers: workers,
            firstError: workers.compactMap(\.firstError).first)
    }

    private static func spawnWorkers(_ options: NonceStressOptions, executable: String,
                                     arguments: [String]) async throws -> [NonceStressWorkerResult] {
        var processes: [(Process, Pipe)] = []
        for _ in 0..<options.processes {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            env["BFX_STRESS_API_SECRET"] = options.apiSecret  // not on the command line (ps would show it)
            process.environment = env
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            processes.append((process, pipe))
        }
        var results: [NonceStressWorkerResult] = []
        for (process, pipe) in processes {
            let data = try await Task.detached { try pipe.fileHandleForReading.readToEnd() ?? Data() }.value
            await Task.detached { process.waitUntilExit() }.value
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            if ProcessInfo.processInfo.environment["BFX_STRESS_DEBUG"] != nil {
                print("worker \(executable) \(arguments) exited \(process.terminationStatus): \(String(decoding: data, as: UTF8.self))")
            }
            guard process.terminationStatus == 0,
                  let result = try? JSONDecoder().decode(NonceStressWorkerResult.self, from: Data(line.utf8)) else {
                let why = process.terminationStatus == 3
                    ? "worker stopped at its time limit (--max-seconds \(options.maxSeconds)) before finishing; its calls count as failed"
                    : "worker exited \(process.terminationStatus): \(line.prefix(200))"
                results.append(NonceStressWorkerResult(succeeded: 0, failed: options.tasks * options.calls, nonceRejected: 0,
                                                       seconds: 0, firstError: why))
                continue
            }
            results.append(result)
        }
        return results
    }

    /// Accepted/rejected/out-of-order counters for `apiKey` from the simulator's `/_sim/state`.
    public static func simulatorNonceStats(baseURL: String, apiKey: String) async throws -> (accepted: Int, rejected: Int, outOfOrder: Int, last: Int64) {
        var request = HTTPClientRequest(url: baseURL + "/_sim/state")
        request.method = .GET
        let bytes: ByteBuffer
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw BfxRESTError.transport(path: "_sim/state", message: "\(error)")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Array(bytes.readableBytesView))
        } catch {
            throw BfxRESTError.decoding(path: "_sim/state", message: "\(error)")
        }
        guard let stats = value["nonces"]?[apiKey] else { return (0, 0, 0, 0) }
        return (Int(stats["accepted"]?.int ?? 0), Int(stats["rejected"]?.int ?? 0), Int(stats["outOfOrder"]?.int ?? 0),
                Int64(stats["lastNonce"]?.int ?? 0))
    }
}


/// Calls finished and failed so far in one worker: bumped by every call task, read by the
/// progress task (atomics, so no lock on the call path).
private final class CallCounts: Sendable {
    let done = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
}
