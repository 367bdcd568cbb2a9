// SharedNonceStore — two processes, one API key, zero nonce rejections.
//
// Bitfinex rejects a signed request whose nonce is not larger than the last one it accepted for the
// key (`10114 nonce: small`). Two processes using one key with independent counters will collide.
// `FileNonceStore` fixes that on one host: every process points at the same directory; issuing a
// nonce and sending the request happen while holding the key's `flock`, and the counter is
// persisted (and fsynced ahead in blocks), so nonces arrive strictly increasing across processes.
//
// What it teaches:
//   * `NonceManager(defaultStore: FileNonceStore(directory:))` — the only line that changes;
//   * `BfxRESTClient` signed calls (`auth/r/wallets`) from many tasks in each process;
//   * checking the result at the server: the simulator counts accepted / rejected / out-of-order
//     nonces per key (`GET /_sim/state`).
//
// How it runs: the parent starts the simulator (unless --rest-url is given), creates a temporary
// store directory, re-launches this same executable with `--worker` (passing the URL and the
// directory; the secret goes through the environment, never argv), works concurrently itself, waits
// for the child, prints the simulator's counts, and exits 1 if anything was rejected.
//
// Run it (offline):
//   swift run example-shared-nonce-store --seconds 5
import ArgumentParser
import BfxClient
import BfxNonce
import BfxNonceStress
import BfxProtocol
import BfxSimulator
import ExampleSupport
import Foundation

struct SharedNonceStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example-shared-nonce-store",
        abstract: "Two processes share one API key through FileNonceStore; the simulator verifies the nonces.")

    @Option(help: "REST base URL of a running simulator (http://127.0.0.1:PORT); omitted = start one in-process.")
    var restURL: String?

    @OptionGroup var account: DemoAccountOptions   // --api-key; the secret from env (ExampleSupport)

    @Option(help: "Total run time in seconds (the workers call for about seconds - 1).")
    var seconds: Int = 5

    @Option(help: "Concurrent tasks per process.")
    var tasks: Int = 4

    @Option(help: "file (shared, the point of this example) or memory (per process: watch the nonces collide).")
    var store: String = "file"

    @Flag(help: "Internal: run as the child worker process.")
    var worker: Bool = false

    @Option(help: "Internal: the shared nonce-store directory (worker mode).")
    var storeDirectory: String?

    func validate() throws {
        guard (2...3600).contains(seconds) else { throw ValidationError("--seconds must be 2...3600") }
        guard ["file", "memory"].contains(store) else { throw ValidationError("--store must be file or memory") }
        guard (1...64).contains(tasks) else { throw ValidationError("--tasks must be 1...64") }
        if worker, restURL == nil || storeDirectory == nil {
            throw ValidationError("--worker needs --rest-url and --store-directory")
        }
    }

    func run() async throws {
        ExampleSupport.bootstrapLogging()
        let (apiKey, secret) = (account.apiKey, account.secret)
        if worker, let restURL, let storeDirectory {
            // Child: call until the deadline, print one line, exit 0 only if every call succeeded.
            let result = try await Self.work(restBase: restURL, directory: storeDirectory, apiKey: apiKey, secret: secret,
                                             shared: store == "file", tasks: tasks, duration: .seconds(seconds - 1))
            print("worker pid \(ProcessInfo.processInfo.processIdentifier): \(result.ok) calls ok, \(result.failed) failed\(result.firstError.map { " (first: \($0))" } ?? "")")
            if result.failed > 0 { throw ExitCode.failure }
            return
        }
        try await runParent(secret: secret)
    }

    func runParent(secret: String) async throws {
        let apiKey = account.apiKey
        // 1. The simulator. Its per-endpoint REST limit (45/min like Bitfinex) is lifted: this
        //    example is about nonces, not rate limits.
        var simulator: BfxSimulator?
        let restBase: String
        if let restURL {
            restBase = restURL.hasSuffix("/v2") ? String(restURL.dropLast(3)) : restURL
        } else {
            var config = SimulatorConfiguration()
            config.apiKeys = [.init(key: apiKey, secret: secret, userId: 9)]
            config.restAuthLimit = .init(requests: 1_000_000, window: .seconds(60))
            let sim = try await BfxSimulator.start(config)
            simulator = sim
            restBase = "http://127.0.0.1:\(sim.port)"
        }
        // 2. The shared store: a fresh temporary directory (a real deployment uses a fixed one,
        //    e.g. /var/lib/bfxkit/nonces, on a local — not NFS — file system).
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("bfxkit-example-nonces-\(ProcessInfo.processInfo.processIdentifier)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        print("simulator \(restBase), shared nonce store \(directory)")

        let before = try await NonceStress.simulatorNonceStats(baseURL: restBase, apiKey: apiKey)

        // 3. The child: this executable again, in worker mode. The secret travels in the environment.
        let child = Process()
        child.executableURL = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--worker", "--rest-url", restBase, "--store-directory", directory,
                           "--api-key", apiKey, "--store", store, "--seconds", "\(seconds)", "--tasks", "\(tasks)"]
        var environment = ProcessInfo.processInfo.environment
        environment["BFX_API_SECRET"] = secret
        child.environment = environment
        fflush(nil)   // our buffered lines first, then the child's
        try child.run()
        print("started worker process pid \(child.processIdentifier)")

        // 4. The parent works at the same time, on the same key and the same store directory.
        let mine = try await Self.work(restBase: restBase, directory: directory, apiKey: apiKey, secret: secret,
                                       shared: store == "file", tasks: tasks, duration: .seconds(seconds - 1))
        fflush(nil)
        print("parent pid \(ProcessInfo.processInfo.processIdentifier): \(mine.ok) calls ok, \(mine.failed) failed\(mine.firstError.map { " (first: \($0))" } ?? "")")

        // 5. Wait for the child (bounded: it stops by itself; killed if it hangs 10 s past its deadline).
        let killer = Task {
            try? await Task.sleep(for: .seconds(10))
            if child.isRunning { child.terminate() }
        }
        await Task.detached { child.waitUntilExit() }.value
        killer.cancel()
        let childOK = child.terminationStatus == 0
        print("worker exited with status \(child.terminationStatus)")

        // 6. The server's view: every accepted nonce must be larger than the previous one.
        let after = try await NonceStress.simulatorNonceStats(baseURL: restBase, apiKey: apiKey)
        await simulator?.shutdown()
        let accepted = after.accepted - before.accepted
        let rejected = after.rejected - before.rejected
        let outOfOrder = after.outOfOrder - before.outOfOrder
        print("simulator: accepted \(accepted), rejected \(rejected), out of order \(outOfOrder)")
        guard childOK, mine.failed == 0, rejected == 0, outOfOrder == 0, accepted > 0 else {
            print("FAILED: nonces collided or calls failed")
            throw ExitCode.failure
        }
        print("ok: two processes shared one key with zero rejections")
    }

    /// Runs `tasks` concurrent loops of signed `auth/r/wallets` calls until `duration` elapsed.
    static func work(restBase: String, directory: String, apiKey: String, secret: String, shared: Bool,
                     tasks: Int, duration: Duration) async throws -> (ok: Int, failed: Int, firstError: String?) {
        // The one line that makes sharing safe: the manager's store is the shared directory.
        // (`--store memory` shows the failure mode: two independent counters on one key.)
        let store: any NonceStore = shared ? FileNonceStore(directory: directory) : MemoryNonceStore()
        let nonces = NonceManager(defaultStore: store)
        var config = BfxRESTConfiguration.singleHost(restBase)
        config.rateLimits = .unlimited        // the simulator's limit is lifted above
        let rest = BfxRESTClient(configuration: config, credentials: BfxCredentials(apiKey: apiKey, secret: secret),
                                 nonceManager: nonces)
        let deadline = ContinuousClock.now + duration
        let total = await withTaskGroup(of: (Int, Int, String?).self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var ok = 0
                    var failed = 0
                    var first: String?
                    // Bounded by time and by count (no more than 100,000 calls per task).
                    while ContinuousClock.now < deadline, ok + failed < 100_000 {
                        do {
                            _ = try await rest.call(path: "auth/r/wallets")
                            ok += 1
                        } catch {
                            failed += 1
                            if first == nil { first = "\(error)" }
                        }
                    }
                    return (ok, failed, first)
                }
            }
            var sum = (0, 0, String?.none)
            for await r in group { sum = (sum.0 + r.0, sum.1 + r.1, sum.2 ?? r.2) }
            return sum
        }
        await nonces.shutdown()
        return total
    }
}

// From top-level code `await X.main()` resolves to ArgumentParser's synchronous overload (which
// refuses async commands); inside an async function the async one wins.
func start() async { await SharedNonceStore.main() }
await start()
