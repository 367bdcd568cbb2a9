import ArgumentParser
import BfxClient
import BfxNonce
import BfxNoncePostgres
import BfxNonceStress
import BfxProtocol
import BfxSimulator
import Foundation
import Logging

/// `bfxrun nonce`: nonce-manager diagnostics (`status`, `stress`).
struct NonceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nonce",
        abstract: "Inspect nonce stores and stress the nonce manager against a simulator.",
        subcommands: [NonceStatusCommand.self, NonceFloorCommand.self, NonceStressCommand.self, NonceStressWorkerCommand.self]
    )
}

extension NonceStoreKind: ExpressibleByArgument {}

/// `bfxrun nonce status`: per key last nonce, store, lock holder and clock skew.
struct NonceStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the last nonce, lock holder and store state of each key (and clock skew vs a REST server).")

    @Option(help: "Store kind: memory, file or postgres.")
    var store: NonceStoreKind = .memory
    @Option(help: "Directory of the file store.")
    var path: String?
    @Option(name: .customLong("postgres-url"), help: "postgres://user@host:port/db of the PostgreSQL store.")
    var postgresURL: String?
    @Option(name: .customLong("key-id"), help: "Only this key id.")
    var keyID: String?
    @Option(name: .customLong("rest-url"), help: "Measure clock skew against this REST base URL (e.g. http://127.0.0.1:PORT).")
    var restURL: String?
    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if store == .file && path == nil { throw ValidationError("--path DIR is required with --store file") }
        if store == .postgres && postgresURL == nil { throw ValidationError("--postgres-url URL is required with --store postgres") }
    }

    func run() async throws {
        var statuses: [String: NonceStoreStatus] = [:]
        switch store {
        case .memory:
            // Memory stores live inside a running process; there is nothing to read from outside.
            statuses = [:]
        case .file:
            let dir = path ?? "."
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            let fileStore = FileNonceStore(directory: dir)
            for file in files.sorted() where file.hasSuffix(".nonce") {
                let id = String(file.dropLast(".nonce".count))
                if let keyID, fileStore.path(for: keyID) != dir + "/" + file { continue }
                statuses[id] = FileNonceStore.inspect(path: dir + "/" + file)
            }
        case .postgres:
            let pg = try PostgresNonceStore(url: postgresURL ?? "")
            statuses = try await pg.inspect(keyID: keyID)
        }
        var skew: Int64?
        if let restURL {
            let client = BfxRESTClient(configuration: .singleHost(restURL))
            skew = try await client.measureClockSkew()
        }
        let now = SystemClock().wallMicros()
        if json {
            struct Output: Encodable {
                var store: String
                var keys: [String: NonceStoreStatus]
                var clockSkewMicros: Int64?
                var localWallMicros: UInt64
                /// Per key: true when its last nonce is not ahead of the wall clock in µs, so a
                /// client that uses wall-clock microseconds (most libraries) can take over.
                var rollbackSafe: [String: Bool]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            let safe = statuses.mapValues { ($0.lastNonce ?? 0) <= Int64(clamping: now) }
            let data = try encoder.encode(Output(store: store.rawValue, keys: statuses, clockSkewMicros: skew, localWallMicros: now,
                                                 rollbackSafe: safe))
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("store: \(store.rawValue)   local wall clock: \(now) µs")
        if store == .memory {
            print("(memory stores live inside a running process; use the console's `nonce` command there)")
        }
        if statuses.isEmpty && store != .memory { print("no keys found") }
        for (key, s) in statuses.sorted(by: { $0.key < $1.key }) {
            let last = s.lastNonce.map(String.init) ?? "-"
            let reserved = s.reservedUpTo.map { "  reserved up to \($0)" } ?? ""
            let lock = s.lockHeld.map { $0 ? "HELD" : "free" } ?? "unknown"
            let ahead = s.lastNonce.map { Int64(clamping: $0) - Int64(clamping: now) }.map { "  (\($0 >= 0 ? "+" : "")\($0) µs vs now)" } ?? ""
            print("\(key): last \(last)\(ahead)\(reserved)  lock \(lock)  holder \(s.holder ?? "-")  at \(s.location)\(s.detail.map { "  [\($0)]" } ?? "")")
            let lastValue = s.lastNonce ?? 0
            if lastValue <= Int64(clamping: now) {
                print("  rollback to a wall-clock-microsecond client: safe (last nonce ≤ now)")
            } else {
                let ahead = Double(lastValue - Int64(clamping: now)) / 1e6
                print("  rollback to a wall-clock-microsecond client: NOT safe for \(ahead) s (last nonce ahead of now); keep the gateway until then")
            }
        }
        if let skew { print("clock skew (server − local, from HTTP Date, ±1 s): \(skew) µs") }
    }
}

/// `bfxrun nonce floor KEY_ID VALUE`: raises a key's nonce floor in a shared store, so every later
/// nonce is above VALUE — the hand-over when a key moves from a client that used wall-clock
/// microseconds to the gateway (or between stores). Never lowers it.
struct NonceFloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor",
        abstract: "Raise a key's nonce floor in a file or PostgreSQL store (never lowers it).",
        discussion: "KEY_ID is the key id `bfxrun nonce status` lists (a fingerprint of the API key, never the key itself). "
            + "Use `now` as VALUE for the current wall clock in microseconds.")

    @Argument(help: "The key id (as listed by `bfxrun nonce status`).")
    var keyID: String
    @Argument(help: "The new floor: an integer, or `now` (wall clock in microseconds).")
    var value: String
    @Option(help: "Store kind: file or postgres.")
    var store: NonceStoreKind = .file
    @Option(help: "Directory of the file store.")
    var path: String?
    @Option(name: .customLong("postgres-url"), help: "postgres://user@host:port/db of the PostgreSQL store.")
    var postgresURL: String?

    func validate() throws {
        if store == .memory { throw ValidationError("a memory store lives inside one process; use --store file or postgres") }
        if store == .file && path == nil { throw ValidationError("--path DIR is required with --store file") }
        if store == .postgres && postgresURL == nil { throw ValidationError("--postgres-url URL is required with --store postgres") }
        if value != "now", Int64(value).map({ $0 <= 0 || $0 > BfxSignature.maxNonce }) ?? true {
            throw ValidationError("VALUE must be `now` or an integer 1...\(BfxSignature.maxNonce)")
        }
        if keyID.isEmpty || keyID.count > 128 || !keyID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            throw ValidationError("KEY_ID must be the key id `bfxrun nonce status` lists (letters, digits, - and _)")
        }
    }

    func run() async throws {
        let target = value == "now" ? Int64(clamping: SystemClock().wallMicros()) : Int64(value) ?? 0
        let manager = NonceManager()
        switch store {
        case .file: manager.setStore(FileNonceStore(directory: path ?? "."), for: keyID)
        case .postgres: manager.setStore(try PostgresNonceStore(url: postgresURL ?? ""), for: keyID)
        case .memory: return
        }
        try await manager.raiseFloor(key: keyID, to: target)
        let last = await manager.snapshot().keys.first { $0.keyID == keyID }?.lastNonce
        await manager.shutdown()
        if let last, last > target {
            print("\(keyID): floor already above \(target) (never lowered); last nonce \(last) (\(store.rawValue) store)")
        } else {
            print("\(keyID): floor raised to \(target); last nonce now \(last.map(String.init) ?? "-") (\(store.rawValue) store)")
        }
    }
}

/// Options shared by `stress` and its hidden worker.
struct StressArguments: ParsableArguments {
    @Option(help: "Simulator base URL (http://127.0.0.1:PORT). Default: start an embedded simulator.")
    var url: String?
    @Option(help: "Worker processes (1 = in this process).")
    var processes: Int = 1
    @Option(help: "Concurrent tasks per process.")
    var tasks: Int = 64
    @Option(help: "Signed calls per task.")
    var calls: Int = 10
    @Option(help: "Nonce store: memory, file or postgres.")
    var store: NonceStoreKind = .memory
    @Option(name: .customLong("store-path"), help: "Directory of the file store.")
    var storePath: String?
    @Option(name: .customLong("postgres-url"), help: "URL of the PostgreSQL store.")
    var postgresURL: String?
    @Option(name: .customLong("api-key"), help: "API key configured in the simulator.")
    var apiKey: String = "stress-key"
    @Option(name: .customLong("api-secret"), help: "Its secret (or env BFX_STRESS_API_SECRET).")
    var apiSecret: String?
    @Option(help: "Seconds between progress lines on stderr (calls done, calls/s, rejections); 0 = none.")
    var progress: Double = 5
    @Option(name: .customLong("rate-limit-backoff"),
            help: "Seconds to wait after a 429 / ERR_RATE_LIMIT answer (Bitfinex blocks the IP about 60 s). Every wait is printed on stderr.")
    var rateLimitBackoff: Double = 60
    @Option(name: .customLong("ledger-url"),
            help: "Simulator whose nonce ledger the report reads (default --url); set it when --url is a gateway and --api-key/--api-secret are its local credentials.")
    var ledgerURL: String?
    @Option(name: .customLong("ledger-key"), help: "Key whose ledger entry the report reads (default --api-key): the gateway's upstream key.")
    var ledgerKey: String?
    @Option(help: "REST request timeout of each signed call, seconds.")
    var timeout: Double = 15
    @Option(help: "Seconds the key's lane stays held after a call of unknown outcome (transport error or timeout: the request may still arrive late); 0 = off.")
    var quarantine: Double = 0
    @Option(name: .customLong("max-seconds"),
            help: "Time limit of each worker process, seconds: one still running then stops, and its calls count as failed (the report says so).")
    var maxSeconds: Int = 600

    func validate() throws {
        guard (1...64).contains(processes) else { throw ValidationError("--processes must be 1...64") }
        guard (1...4096).contains(tasks) else { throw ValidationError("--tasks must be 1...4096") }
        guard (0...1_000_000).contains(calls) else { throw ValidationError("--calls must be 0...1000000") }
        if store == .file && storePath == nil { throw ValidationError("--store-path DIR is required with --store file") }
        if store == .postgres && postgresURL == nil { throw ValidationError("--postgres-url URL is required with --store postgres") }
        guard progress >= 0, progress <= 3600 else { throw ValidationError("--progress must be 0...3600 seconds (0 = no progress lines)") }
        guard rateLimitBackoff >= 0, rateLimitBackoff <= 3600 else { throw ValidationError("--rate-limit-backoff must be 0...3600 seconds") }
        guard timeout >= 0.1, timeout <= 600 else { throw ValidationError("--timeout must be 0.1...600 seconds") }
        guard quarantine >= 0, quarantine <= 600 else { throw ValidationError("--quarantine must be 0...600 seconds (0 = off)") }
        guard (10...86_400).contains(maxSeconds) else { throw ValidationError("--max-seconds must be 10...86400") }
    }

    var secret: String {
        apiSecret ?? ProcessInfo.processInfo.environment["BFX_STRESS_API_SECRET"] ?? "stress-secret"
    }

    func options(url: String) -> NonceStressOptions {
        var options = NonceStressOptions(url: url, processes: processes, tasks: tasks, calls: calls, store: store, storePath: storePath,
                                         postgresURL: postgresURL, apiKey: apiKey, apiSecret: secret)
        options.progressInterval = progress
        options.rateLimitBackoff = rateLimitBackoff
        options.ledgerURL = ledgerURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        options.ledgerKey = ledgerKey
        options.requestTimeout = timeout
        options.unknownOutcomeQuarantine = quarantine
        options.maxSeconds = maxSeconds
        return options
    }

    /// Prints one stress event as a line on stderr (stdout stays the report; `prefix` names a worker).
    static func printEvent(_ event: NonceStressEvent, prefix: String = "") {
        FileHandle.standardError.write(Data("\(prefix)\(event)\n".utf8))
    }
}

/// `bfxrun nonce stress`: many tasks/processes issuing signed calls on one key; reports issued/s
/// and the simulator's count of rejections and out-of-order arrivals.
struct NonceStressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress",
        abstract: "Stress one API key with concurrent signed REST calls and check nonce order on the simulator.")

    @OptionGroup var arguments: StressArguments
    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        var simulator: BfxSimulator?
        let url: String
        if let given = arguments.url {
            url = given.hasSuffix("/") ? String(given.dropLast()) : given
        } else {
            var config = SimulatorConfiguration()
            config.apiKeys = [.init(key: arguments.apiKey, secret: arguments.secret)]
            config.restAuthLimit = .init(requests: 100_000_000, window: .seconds(60))
            config.tickMode = .manual
            let sim = try await BfxSimulator.start(config, logger: Logger(label: "bfxkit.simulator", factory: { _ in SwiftLogNoOpLogHandler() }))
            simulator = sim
            url = "http://127.0.0.1:\(sim.port)"
        }
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        let args = arguments
        let report: NonceStressReport
        do {
            report = try await NonceStress.run(args.options(url: url), executable: executable) { o in
                var a = ["nonce", "stress-worker", "--url", o.url, "--tasks", "\(o.tasks)", "--calls", "\(o.calls)",
                         "--store", o.store.rawValue, "--api-key", o.apiKey, "--progress", "\(o.progressInterval)",
                         "--rate-limit-backoff", "\(o.rateLimitBackoff)", "--timeout", "\(o.requestTimeout)",
                         "--quarantine", "\(o.unknownOutcomeQuarantine)", "--max-seconds", "\(o.maxSeconds)"]
                if let p = o.storePath { a += ["--store-path", p] }
                if let p = o.postgresURL { a += ["--postgres-url", p] }
                return a
            } report: { StressArguments.printEvent($0) }
        } catch {
            await simulator?.shutdown()
            throw error
        }
        await simulator?.shutdown()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("""
                store \(report.store.rawValue), \(report.processes) process(es) × \(report.tasks) tasks × \(report.calls) calls = \(report.total)
                succeeded \(report.succeeded), failed \(report.failed), client nonce rejections \(report.clientNonceRejections)
                \(String(format: "%.0f", report.callsPerSecond)) signed calls/s over \(String(format: "%.2f", report.seconds)) s
                simulator: accepted \(report.serverAccepted), rejected \(report.serverRejected), out-of-order \(report.serverOutOfOrder)
                """)
            if let e = report.firstError { print("first error: \(e)") }
        }
        if report.serverRejected > 0 || report.serverOutOfOrder > 0 || report.failed > 0 {
            throw ExitCode(1)
        }
    }
}

/// Hidden: one worker process of `nonce stress`; prints its result as one JSON line.
struct NonceStressWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stress-worker", abstract: "Internal worker of `nonce stress`.",
                                                    shouldDisplay: false)

    @OptionGroup var arguments: StressArguments

    func run() async throws {
        guard let url = arguments.url else { throw ValidationError("--url is required for a worker") }
        // Watchdog: never outlive the parent `nonce stress` (killed or timed out) or the time budget.
        let parent = getppid()
        let budget = arguments.maxSeconds
        Task.detached {
            let start = ContinuousClock.now
            while true {
                try? await Task.sleep(for: .milliseconds(250))
                if getppid() != parent { Foundation.exit(4) }
                if ContinuousClock.now - start > .seconds(budget) { Foundation.exit(3) }
            }
        }
        var options = arguments.options(url: url)
        options.processes = 1
        var logger = Logger(label: "bfxkit.stress")
        logger.logLevel = .error  // the parent reports the totals; per-call warnings would flood stderr
        // Progress and rate-limit waits go to stderr, which the parent shares: the user sees them
        // live; stdout carries only the result line the parent parses.
        let prefix = "worker \(getpid()): "
        let result = try await NonceStress.runWorker(options, logger: logger) { StressArguments.printEvent($0, prefix: prefix) }
        let data = try JSONEncoder().encode(result)
        print(String(decoding: data, as: UTF8.self))
    }
}
