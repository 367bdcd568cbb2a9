import BfxProtocol
import BfxRuntime
import Foundation
import Logging
import Testing
@testable import BfxConsole
@testable import BfxConsoleRuntime

/// The adapter against the real runtime and its embedded simulator (loopback, ephemeral ports).
@Suite(.serialized) struct RuntimeBackendTests {
    static func quickstartConfig() throws -> RuntimeConfig { try quickstart() }

    private static func quickstart() throws -> RuntimeConfig {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var config = try ConfigLoader.load(path: root.appendingPathComponent("examples/quickstart.yaml").path).config
        config.logging.level = .critical
        return config
    }

    private static func start() async throws -> RuntimeConsoleBackend {
        let config = try quickstart()
        var logger = Logger(label: "test.console")
        logger.logLevel = .critical
        let runtime = Runtime(config: config, options: RuntimeOptions(logger: logger, serveHTTP: false))
        try await runtime.start()
        let backend = RuntimeConsoleBackend(runtime: runtime, config: config, version: "test")
        #expect(await backend.waitUntilReady(timeout: .seconds(30)), "channels did not receive data in 30 s")
        return backend
    }

    @Test func scriptAgainstTheQuickstartRuntime() async throws {
        let backend = try await Self.start()
        let sink = BufferedOutputSink()
        let script = [
            "status --ndjson", "channels --ndjson", "book tBTCUSD 5 --json", "ticker tBTCUSD --ndjson", "trades tBTCUSD 3 --ndjson",
            "nonce --json", "queue --ndjson", "alerts --ndjson", "call GET platform/status --json", "wallets --ndjson", "fault drop",
            "log level debug", "dump --json",
        ]
        let status = await ConsoleRunner.runScript(backend: backend, source: ScriptLineSource(lines: script), sink: sink, format: .plain)
        let consoleBook = try await backend.book(symbol: "tBTCUSD", depth: 5)
        await backend.shutdown()
        #expect(status == 0, "\(sink.errors)")
        // Same sign convention as the summary / --once JSON: positive amounts on both sides.
        #expect(!consoleBook.asks.isEmpty && consoleBook.asks.allSatisfy { !$0.amount.hasPrefix("-") }, "\(consoleBook.asks)")
        let lines = sink.output.split(separator: "\n", omittingEmptySubsequences: false)
        let statusLine = try JSONValue.parseConsole(String(lines[0]))
        #expect(statusLine["simulator"] == .bool(true))
        // The quickstart's simulator key has a ready user-data stream.
        #expect(statusLine["authenticated"] == .bool(true))
        #expect(statusLine["channels"] == .decimal("7"))
        #expect(sink.output.contains(#""spec":"book:tBTCUSD:P0:F0:25""#))
        #expect(sink.output.contains("injected drop"))
        #expect(sink.output.contains("log level set to debug"))
        #expect(sink.output.contains(#""nonce_history""#))
    }

    @Test func completionAndErrorsFromTheRuntime() async throws {
        let backend = try await Self.start()
        let data = await backend.completionData()
        #expect(data.symbols.contains("tBTCUSD") && data.symbols.contains("tETHUSD"))
        #expect(data.channelIDs.count == 7)
        #expect(data.priorities.contains("critical"))
        #expect(data.configKeys.contains("nonce.classes"))
        #expect(data.faultKinds.contains("drop"))
        await #expect(throws: ConsoleBackendError.unknownSymbol("tNOPE")) { _ = try await backend.ticker(symbol: "tNOPE") }
        await #expect(throws: ConsoleBackendError.unknownChannel("zz")) { try await backend.unsubscribe(id: "zz") }
        // The quickstart opens the user-data stream of its simulator key: raw frames go out on it.
        try await backend.sendRaw(#"{"event":"ping"}"#, connection: String?.none)
        let subscribed = try await backend.subscribe(spec: "ticker:tXRPUSD", connection: nil)
        #expect(subscribed.spec == "ticker:tXRPUSD")
        try await backend.unsubscribe(id: subscribed.id)
        await backend.shutdown()
    }

    @Test func wsSendGoesOutOnTheUserDataStream() async throws {
        let yaml = """
        endpoint: simulator
        keys: [{name: demo}]
        connections:
          - {name: account, key: demo}
        metrics: {enabled: false}
        simulator: {seed: 5, rate: 5}
        shutdown: {drain_timeout: 1s}
        """
        var config = try ConfigLoader.load(yaml: yaml, file: "ud.yaml").config
        config.logging.level = .critical
        var logger = Logger(label: "test.console")
        logger.logLevel = .critical
        let runtime = Runtime(config: config, options: RuntimeOptions(logger: logger, serveHTTP: false))
        try await runtime.start()
        let backend = RuntimeConsoleBackend(runtime: runtime, config: config, version: "test")
        let sink = BufferedOutputSink()
        let script = [#"ws send [0,"calc",null,[["balance"]]]"#, #"ws send {"event":"ping","cid":7} --conn account"#]
        let status = await ConsoleRunner.runScript(backend: backend, source: ScriptLineSource(lines: script), sink: sink, format: .plain)
        let sent = await runtime.userDataStreams().first?.inputsSent
        await #expect(throws: ConsoleBackendError.unknownConnection("nope")) {
            try await backend.sendRaw(#"{"event":"ping"}"#, connection: "nope")
        }
        await #expect(throws: ConsoleBackendError.self) {
            try await backend.sendRaw(#"{"event":"auth"}"#, connection: "account")
        }
        await backend.shutdown()
        #expect(status == 0, "\(sink.errors)")
        #expect(sent == 2)
    }

    @Test func decimalTextHasNoExponent() {
        #expect(RuntimeConsoleBackend.decimal(7e-7) == "0.0000007")
        #expect(RuntimeConsoleBackend.decimal(30000) == "30000")
        #expect(RuntimeConsoleBackend.decimal(-1.25) == "-1.25")
    }
}

extension RuntimeBackendTests {
    /// `make run` shows account state: the quickstart's simulator key has a user-data stream whose
    /// wallets and the resting startup order reach the snapshot (summary, `--once --json`).
    @Test func quickstartShowsAccountState() async throws {
        let config = try Self.quickstartConfig()
        var logger = Logger(label: "test.console")
        logger.logLevel = .critical
        let runtime = Runtime(config: config, options: RuntimeOptions(logger: logger, serveHTTP: false))
        try await runtime.start()
        let deadline = ContinuousClock.now + .seconds(30)
        var accounts: [AccountView] = []
        // Bounded poll on the real condition: the startup order is a REST call after start.
        while ContinuousClock.now < deadline {
            accounts = await runtime.accounts()
            if accounts.first?.orders.isEmpty == false { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let snapshot = await runtime.snapshot()
        await runtime.stop()
        let account = try #require(accounts.first)
        #expect(account.key == "demo" && account.phase == "ready")
        #expect(account.wallets.contains { $0.type == "exchange" && $0.currency == "USD" })
        #expect(account.orders.first.map { $0.side == "buy" && $0.amount == "0.01" && $0.symbol == "tBTCUSD" } == true)
        let summary = SummaryRenderer.render(snapshot)
        #expect(summary.contains("account demo"), "\(summary)")
        #expect(summary.contains("wallets exchange"), "\(summary)")
        #expect(SummaryRenderer.legend(snapshot).contains("account"))
        // Demo credentials (api key `demo-<name>-<random>`) are generated per run and never printed.
        #expect(!summary.contains("demo-demo-") && !SummaryRenderer.legend(snapshot).contains("demo-demo-"))
    }
}
