import ArgumentParser
import BfxClient
import BfxNonce
import BfxProtocol
import Dispatch
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `bfx-bench-consume`: the bfxkit side of the peer benchmark. A separate, non-product
/// executable so the shipped `bfxrun` carries no benchmark code (docs/adr/0020).
///
/// It consumes the same channels as the Python peers in `peer-bench/harness/` and prints the
/// same `BENCH {json}` lines (schema: docs/adr/0016-peer-benchmark-methodology.md), so the
/// orchestrator treats all three clients alike. Loopback URLs only.
@main
struct BenchConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bfx-bench-consume",
        abstract: "Benchmark consumer for the peer comparison (loopback simulator only)."
    )

    @Option(help: "ws://127.0.0.1:PORT/ws/2 (loopback only).") var ws: String
    @Option(help: "http://127.0.0.1:PORT (loopback only).") var rest: String
    @Option(help: "stream | drill | rest") var mode: String = "stream"
    @Option(help: "Comma-separated trading symbols.") var symbols: String = "tBTCUSD,tETHUSD,tXRPBTC,tETHBTC"
    @Option(help: "Seconds after ready that are not measured.") var warmup: Double = 2
    @Option(help: "Measured seconds.") var duration: Double = 8
    @Option(name: .customLong("ready-timeout"), help: "Seconds to wait for every channel.") var readyTimeout: Double = 30
    @Flag(name: .customLong("verify-checksum"), help: "Accepted for symmetry; bfxkit always verifies.") var verifyChecksum = false
    @Option(name: .customLong("api-key")) var apiKey: String = ""
    @Option(name: .customLong("api-secret")) var apiSecret: String = ""
    @Option(name: .customLong("rest-calls")) var restCalls: Int = 400
    @Option var concurrency: Int = 8

    func validate() throws {
        for url in [ws, rest] where !Self.isLoopbackURL(url) {
            throw ValidationError("refusing \(url): only ws:// or http:// to 127.0.0.0/8, ::1 or localhost")
        }
        guard ["stream", "drill", "rest"].contains(mode) else { throw ValidationError("unknown --mode \(mode)") }
    }

    func run() async throws {
        let started = Date().timeIntervalSince1970
        var fields: [String: JSONValue] = [
            "type": .string("result"), "client": .string("bfxkit"), "version": .string(BfxkitVersion.string),
            "mode": .string(mode), "started": .number(started),
        ]
        switch mode {
        case "rest":
            for (key, value) in await runREST() { fields[key] = value }
        default:
            for (key, value) in try await runStream() { fields[key] = value }
        }
        Self.emit(.object(fields))
    }

    // MARK: - REST

    /// `restCalls` signed `auth/r/wallets` calls from `concurrency` concurrent tasks sharing one
    /// client (and so one NonceManager lane for the key). The client-side rate limiter is set to
    /// unlimited, as ccxt's is disabled: the scenario measures nonce handling, not throttling.
    private func runREST() async -> [String: JSONValue] {
        var logger = Logger(label: "bfx.bench.rest")
        logger.logLevel = .warning
        let configuration = BfxRESTConfiguration(publicBaseURL: rest, authBaseURL: rest, rateLimits: .unlimited)
        let client = BfxRESTClient(
            configuration: configuration, credentials: BfxCredentials(apiKey: apiKey, secret: apiSecret),
            nonceManager: NonceManager(), logger: logger
        )
        let tally = RESTTally()
        let cpu0 = Self.cpuSeconds(), t0 = ContinuousClock.now
        let total = restCalls
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<max(1, concurrency) {
                group.addTask {
                    var index = worker
                    while index < total {
                        let started = ContinuousClock.now
                        do {
                            _ = try await client.wallets()
                            tally.record("ok", millis: Self.seconds(ContinuousClock.now - started) * 1000, error: nil)
                        } catch {
                            let text = "\(error)"
                            let kind = text.contains("10114") || text.lowercased().contains("nonce") ? "nonce"
                                : (text.uppercased().contains("RATE") ? "rate_limit" : "other")
                            tally.record(kind, millis: Self.seconds(ContinuousClock.now - started) * 1000, error: text)
                        }
                        index += max(1, concurrency)
                    }
                }
            }
        }
        let wall = max(1e-9, Self.seconds(ContinuousClock.now - t0))
        let cpu = Self.cpuSeconds() - cpu0
        let nonceSnapshot = await client.nonceManager.snapshot(recentLimit: 0)
        await client.nonceManager.shutdown()
        let (rss, peak) = Self.rssMiB()
        let result = tally.snapshot()
        return [
            "calls": .number(Double(total)),
            "concurrency": .number(Double(concurrency)),
            "window_s": .number(Self.round(wall, 3)),
            "calls_per_s": .number(Self.round(Double(total) / wall, 1)),
            "cpu_s": .number(Self.round(cpu, 3)),
            "outcomes": .object(result.outcomes.mapValues { .number(Double($0)) }),
            "nonce_errors": .number(Double(result.outcomes["nonce"] ?? 0)),
            "nonce_manager_keys": .number(Double(nonceSnapshot.keys.count)),
            "latency_ms": Self.percentiles(result.latencies),
            "rss_mb": .number(Self.round(rss, 1)),
            "peak_rss_mb": .number(Self.round(peak, 1)),
            "errors": .array(result.errors.map(JSONValue.string)),
        ]
    }

    /// Outcome counters of the REST workers.
    final class RESTTally: Sendable {
        struct State {
            var outcomes: [String: Int] = [:]
            var latencies: [Double] = []
            var errors: [String] = []
        }

        // Mutex: every worker task records its outcome here; tiny critical sections, no awaits.
        private let state = Mutex(State())

        func record(_ kind: String, millis: Double, error: String?) {
            state.withLock { s in
                s.outcomes[kind, default: 0] += 1
                s.latencies.append(millis)
                if let error, s.errors.count < 10 { s.errors.append(String(error.prefix(200))) }
            }
        }

        func snapshot() -> State { state.withLock { $0 } }
    }

    // MARK: - Stream / drill

    private func runStream() async throws -> [String: JSONValue] {
        var logger = Logger(label: "bfx.bench")
        logger.logLevel = ProcessInfo.processInfo.environment["BFX_BENCH_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let client = try BfxClient(configuration: BfxClientConfiguration(publicURL: ws), logger: logger, metricsLabel: "bench")
        let symbolList = symbols.split(separator: ",").map(String.init)
        var specs: [(ChannelSpec, Key)] = []
        for symbol in symbolList {
            specs.append((.book(symbol, precision: .p0, frequency: .f0, length: 25), Key(channel: "book", symbol: symbol)))
            specs.append((.trades(symbol), Key(channel: "trades", symbol: symbol)))
            specs.append((.ticker(symbol), Key(channel: "ticker", symbol: symbol)))
        }
        let state = Counters(keys: specs.map(\.1))
        let stop = StopFlag()
        let signalSources = Self.installSignalHandlers(stop: stop)
        defer { for source in signalSources { source.cancel() } }

        var consumers: [Task<Void, Never>] = []
        for (spec, key) in specs {
            let subscription = try await client.subscribe(spec)
            consumers.append(Task {
                for await event in subscription.events {
                    Self.handle(event, key: key, state: state)
                }
            })
        }

        let readyDeadline = ContinuousClock.now + .seconds(readyTimeout)
        while state.reportedGeneration == 0, ContinuousClock.now < readyDeadline, !stop.isSet {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if state.reportedGeneration == 0 { state.error("not ready within ready-timeout") }

        if mode == "stream" {
            await Self.sleep(seconds: warmup, unless: stop)
        }
        let before = await Self.libraryCounters(client)
        let cpu0 = Self.cpuSeconds(), t0 = ContinuousClock.now
        state.setInWindow(true)
        await Self.sleep(seconds: mode == "drill" ? 86_400 : duration, unless: stop)
        state.setInWindow(false)
        let cpu1 = Self.cpuSeconds(), t1 = ContinuousClock.now
        let after = await Self.libraryCounters(client)

        for task in consumers { task.cancel() }
        await client.shutdown()

        let window = max(1e-9, Self.seconds(t1 - t0))
        let frames = after.messages - before.messages
        let cpu = cpu1 - cpu0
        let (rss, peak) = Self.rssMiB()
        let snapshot = state.snapshot()
        var out: [String: JSONValue] = [
            "window_s": .number(Self.round(window, 3)),
            "frames": .number(Double(frames)),
            "frames_per_s": .number(Self.round(Double(frames) / window, 1)),
            "cpu_s": .number(Self.round(cpu, 3)),
            "cpu_s_per_million": frames > 0 ? .number(Self.round(cpu / Double(frames) * 1e6, 2)) : .null,
            "cpu_util": .number(Self.round(cpu / window, 3)),
            "rss_mb": .number(Self.round(rss, 1)),
            "peak_rss_mb": .number(Self.round(peak, 1)),
            "frames_total": .number(Double(after.messages)),
            "lag_ms": Self.percentiles(snapshot.lags),
            "checksum": .object([
                "mode": .string("library"),
                "verified": .number(Double(after.checksumsVerified)),
                "mismatches": .number(Double(after.checksumMismatches)),
            ]),
            "ready_events": .array(snapshot.readyEvents.map { event in
                .object(["type": .string("ready"), "t": .number(event.t), "gen": .number(Double(event.gen))])
            }),
            "errors": .array(snapshot.errors.map(JSONValue.string)),
        ]
        var kinds = snapshot.kinds
        kinds["cs"] = after.checksumsVerified + after.checksumMismatches
        out["frames_by_kind"] = .object(kinds.mapValues { .number(Double($0)) })
        return out
    }

    private static func handle(_ event: SubscriptionEvent, key: Key, state: Counters) {
        switch event {
        case .subscribed:
            state.subscribed(key)
        case .book(let change):
            state.data(key, kind: "book", count: change.updates)
        case .trade(let trade):
            state.data(key, kind: "te", count: 1, lagMillis: nowMillis() - Double(trade.mts))
        case .tradeSnapshot:
            state.data(key, kind: "trades", count: 1)
        case .ticker, .fundingTicker:
            state.data(key, kind: "ticker", count: 1)
        case .integrity(let incident):
            state.error("integrity: \(incident)")
        case .overflow(let dropped):
            state.error("overflow: consumer dropped \(dropped) events")
        case .failed(let failure):
            state.error("failed: \(failure)")
        case .stale, .candleSnapshot, .candle, .derivStatus, .liquidations:
            break
        }
    }

    private struct LibraryCounters {
        var messages = 0
        var checksumsVerified = 0
        var checksumMismatches = 0
    }

    /// Frames the library routed to subscriptions and its checksum counters (not the events the
    /// consumer saw: books and tickers are latest-only and may coalesce).
    private static func libraryCounters(_ client: BfxClient) async -> LibraryCounters {
        let snap = await client.snapshot()
        var counters = LibraryCounters()
        for channel in snap.channels {
            counters.messages += channel.messages
            counters.checksumsVerified += channel.checksumsVerified
            counters.checksumMismatches += channel.checksumMismatches
        }
        return counters
    }

    // MARK: - Shared state

    /// Channel identity shared with the Python peers' `(channel, symbol)` keys.
    struct Key: Hashable, Sendable {
        var channel: String
        var symbol: String
    }

    /// Counters updated by every consumer task.
    final class Counters: Sendable {
        struct ReadyEvent: Sendable { var t: Double; var gen: Int }
        struct State {
            var generation: [Key: Int]
            var pending: [Key: Bool]
            var reported = 0
            var readyEvents: [ReadyEvent] = []
            var kinds: [String: Int] = [:]
            var lags: [Double] = []
            var inWindow = false
            var errors: [String] = []
        }

        // Mutex: one consumer task per subscription updates these concurrently; each critical
        // section is a few dictionary operations and never awaits.
        private let state: Mutex<State>

        init(keys: [Key]) {
            state = Mutex(State(
                generation: Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) }),
                pending: Dictionary(uniqueKeysWithValues: keys.map { ($0, false) })
            ))
        }

        var reportedGeneration: Int { state.withLock { $0.reported } }

        func setInWindow(_ value: Bool) { state.withLock { $0.inWindow = value } }

        func subscribed(_ key: Key) { state.withLock { $0.pending[key] = true } }

        func data(_ key: Key, kind: String, count: Int, lagMillis: Double? = nil) {
            let ready: ReadyEvent? = state.withLock { s in
                s.kinds[kind, default: 0] += count
                if let lagMillis, s.inWindow, s.lags.count < 2_000_000 { s.lags.append(lagMillis) }
                guard s.pending[key] == true else { return nil }
                s.pending[key] = false
                s.generation[key, default: 0] += 1
                let low = s.generation.values.min() ?? 0
                guard low > s.reported else { return nil }
                s.reported = low
                let event = ReadyEvent(t: (BenchConsumeCommand.nowMillis() * 1000).rounded() / 1000, gen: low)
                s.readyEvents.append(event)
                return event
            }
            if let ready {
                BenchConsumeCommand.emit(.object(["type": .string("ready"), "t": .number(ready.t), "gen": .number(Double(ready.gen))]))
            }
        }

        func error(_ text: String) {
            state.withLock { s in if s.errors.count < 20 { s.errors.append(String(text.prefix(300))) } }
        }

        func snapshot() -> State { state.withLock { $0 } }
    }

    /// Set by SIGTERM/SIGINT (the orchestrator ends drill runs that way).
    final class StopFlag: Sendable {
        // Mutex: written from the signal-source queue, read by the main task.
        private let flag = Mutex(false)
        var isSet: Bool { flag.withLock { $0 } }
        func set() { flag.withLock { $0 = true } }
    }

    private static func installSignalHandlers(stop: StopFlag) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.set() }
            source.resume()
            return source
        }
    }

    /// Waits `seconds` or until stopped; bounded polling (50 ms) on the stop flag.
    private static func sleep(seconds: Double, unless stop: StopFlag) async {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while !stop.isSet, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    // MARK: - Measurements

    static func nowMillis() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
    }

    private static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// (VmRSS, VmHWM) in MiB from /proc/self/status; zeros where unavailable.
    private static func rssMiB() -> (Double, Double) {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        var current = 0.0, peak = 0.0
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let kib = Double(parts[1]) else { continue }
            if parts[0] == "VmRSS:" { current = kib / 1024 } else if parts[0] == "VmHWM:" { peak = kib / 1024 }
        }
        return (current, peak)
    }

    private static func percentiles(_ values: [Double]) -> JSONValue {
        guard !values.isEmpty else { return .object(["n": .number(0), "p50": .null, "p99": .null, "max": .null]) }
        let sorted = values.sorted()
        func pick(_ q: Double) -> JSONValue {
            let index = min(sorted.count - 1, max(0, Int((q * Double(sorted.count - 1)).rounded())))
            return .number(round(sorted[index], 3))
        }
        return .object(["n": .number(Double(sorted.count)), "p50": pick(0.5), "p99": pick(0.99), "max": .number(round(sorted[sorted.count - 1], 3))])
    }

    private static func seconds(_ duration: Duration) -> Double { duration.secondsDouble }

    private static func round(_ value: Double, _ digits: Int) -> Double {
        let scale = pow(10.0, Double(digits))
        return (value * scale).rounded() / scale
    }

    // MARK: - Output

    /// Just enough JSON for the BENCH lines (Foundation's JSONSerialization is not Sendable-typed).
    indirect enum JSONValue: Sendable {
        case string(String), number(Double), array([JSONValue]), object([String: JSONValue]), null

        var text: String {
            switch self {
            case .null: return "null"
            case .number(let n):
                if n.isFinite, n == n.rounded(), abs(n) < 9e15 { return String(Int64(n)) }
                return n.isFinite ? "\(n)" : "null"
            case .string(let s):
                return JSONString.quoted(s)
            case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
            case .object(let fields):
                return "{" + fields.keys.sorted().map { JSONValue.string($0).text + ":" + (fields[$0] ?? .null).text }.joined(separator: ",") + "}"
            }
        }
    }

    static func emit(_ value: JSONValue) {
        let line = "BENCH " + value.text + "\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    static func isLoopbackURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, ["ws", "http"].contains(scheme),
              var host = url.host?.lowercased() else { return false }
        host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
