import BfxClient
import Prometheus
import AsyncHTTPClient
import Foundation
import Synchronization
import Testing
@testable import BfxRuntime
import BfxTestSupport

/// Real runtime against the embedded simulator on loopback (ports are ephemeral).
@Suite(.serialized) struct RuntimeIntegrationTests {
    static let yaml = """
    endpoint: simulator
    keys: [{name: demo}]
    connections:
      - name: market
        channels:
          - {channel: ticker, symbol: tBTCUSD}
          - {channel: trades, symbol: tBTCUSD}
          - {channel: book, symbol: tBTCUSD, prec: P0, len: 25}
    websocket: {sequence: false}
    startup: [{path: auth/r/wallets, every: 200ms}]
    alerts:
      - {name: reconnects, kind: reconnects, threshold: 1, window: 60s, actions: [log, console]}
    metrics: {listen: "127.0.0.1:0"}
    simulator: {seed: 1, rate: 50}
    shutdown: {drain_timeout: 2s}
    """

    func get(_ url: String) async throws -> (Int, String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    @Test func headlessRunSeesDataServesHTTPAndShutsDownCleanly() async throws {
        let loaded = try ConfigLoader.load(yaml: Self.yaml, file: "it.yaml", environment: [:])
        // The program chooses the metrics backend (bfxrun: Prometheus); the test does the same.
        let registry = PrometheusCollectorRegistry()
        let backend = MetricsBackend(factory: PrometheusMetricsFactory(registry: registry), exposition: { registry.emitToString() })
        let runtime = Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, metrics: backend, sampleInterval: .milliseconds(200)))
        let events = await runtime.events()
        try await runtime.start()

        // Market data, books and nonce usage arrive.
        let sawData = await eventually {
            let book = await runtime.book(symbol: "tBTCUSD", depth: 5)
            let ticker = await runtime.ticker(symbol: "tBTCUSD")
            let trades = await runtime.trades(symbol: "tBTCUSD", limit: 5)
            let nonces = await runtime.nonceStats()
            return (book?.bids.isEmpty == false) && ticker != nil && !trades.isEmpty && (nonces.first?.succeeded ?? 0) >= 2
        }
        #expect(sawData)
        let channels = await runtime.channelList()
        #expect(channels.count == 3)
        #expect(channels.allSatisfy { $0.messages > 0 })
        let book = try #require(await runtime.book(symbol: "tBTCUSD", depth: 5))
        #expect(book.bids.count == 5 && book.asks.count == 5)
        #expect(Double(book.bids[0].price) ?? 0 < Double(book.asks[0].price) ?? 0)

        // HTTP endpoints.
        let status = await runtime.status()
        let address = try #require(status.httpAddress)
        // Wait for at least one sample so the gauges are populated.
        _ = await eventually(timeout: .seconds(5)) {
            let metrics = await runtime.metricsText() ?? ""
            return metrics.contains("bfxrun_channels 3")
        }
        let (metricsCode, metricsText) = try await get(address + "/metrics")
        #expect(metricsCode == 200)
        #expect(metricsText.contains("bfxrun_channels 3"))
        #expect(metricsText.contains("bfxrun_channel_messages_total{channel=\"book\"}"))
        #expect(metricsText.contains("bfxrun_nonce_issued"))
        let (htmlCode, html) = try await get(address + "/")
        #expect(htmlCode == 200 && html.contains("<html") && html.contains("/api/state"))
        let (stateCode, stateJSON) = try await get(address + "/api/state")
        #expect(stateCode == 200)
        let snapshot = try JSONDecoder.iso.decode(RuntimeSnapshot.self, from: Data(stateJSON.utf8))
        #expect(snapshot.channels.count == 3)
        #expect(snapshot.status.phase == .running)
        #expect(!snapshot.nonces.isEmpty)
        // One amount convention in /api/state: positive amounts, side explicit (bids/asks, side).
        #expect(snapshot.books.allSatisfy { $0.asks.allSatisfy { !$0.amount.hasPrefix("-") } && $0.bids.allSatisfy { !$0.amount.hasPrefix("-") } })
        #expect(snapshot.trades.allSatisfy { $0.amount >= 0 && ["buy", "sell"].contains($0.side) })
        #expect(!stateJSON.contains(#""amount":-"#) && !stateJSON.contains(#""amount" : -"#) && !stateJSON.contains(#""amount":"-"#))

        // Actions: REST through the nonce queue, subscribe/unsubscribe, fault injection → alert.
        let wallets = try await runtime.restCall(path: "auth/r/wallets", body: "{}")
        #expect(wallets.hasPrefix("["))
        let added = try await runtime.subscribe(.ticker("tETHUSD"))
        #expect(await eventually { await runtime.ticker(symbol: "tETHUSD") != nil })
        try await runtime.unsubscribe(id: added.id)
        #expect(await runtime.channelList().count == 3)
        await #expect(throws: RuntimeError.self) { try await runtime.unsubscribe(id: "nope") }
        try await runtime.injectFault(.dropAll)
        let alerted = await eventually {
            let reconnects = await runtime.status().reconnects
            let alerts = await runtime.alerts()
            return reconnects >= 1 && alerts.first?.state == .firing
        }
        #expect(alerted)
        // Data flows again after the reconnect.
        let before = await runtime.status().messages
        #expect(await eventually(timeout: .seconds(25)) { await runtime.status().messages > before + 3 })

        // Graceful stop.
        await runtime.stop()
        #expect(await runtime.currentPhase == .stopped)
        var kinds: [RuntimeEvent.Kind] = []
        for await event in events { kinds.append(event.kind) }
        #expect(kinds.contains(.started))
        #expect(kinds.contains(.alertFired))
        #expect(kinds.contains(.fault))
        #expect(kinds.last == .stopped)
        #expect(await runtime.exitRequest == nil)
        // The HTTP server is gone.
        await #expect(throws: (any Error).self) { _ = try await get(address + "/healthz") }
    }

    @Test func onceModePrintsASummaryAndExitsZero() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bfxrun-once-\(UUID().uuidString).yaml")
        try Self.yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var options = RunOptions(configPath: file.path)
        options.once = true
        options.logLevel = .error
        let captured = Mutex("")
        let code = await RuntimeHost.run(options) { text in captured.withLock { $0 += text } }
        let output = captured.withLock { $0 }
        #expect(code == RuntimeExitCode.ok)
        #expect(output.contains("ticker  tBTCUSD"))
        #expect(output.contains("book    tBTCUSD"))
        #expect(output.contains("trades  tBTCUSD"))
        #expect(output.contains("nonce   demo"))
    }

    @Test func invalidConfigExitsOneAndStartsNothing() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bfxrun-bad-\(UUID().uuidString).yaml")
        try "endpoint: simulatr\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let options = RunOptions(configPath: file.path)
        #expect(await RuntimeHost.run(options) { _ in } == RuntimeExitCode.configInvalid)
    }

    @Test func exitAlertStopsTheRuntimeWithItsCode() async throws {
        let yaml = Self.yaml.replacingOccurrences(of: "actions: [log, console]}", with: "actions: [exit], exit_code: 9}")
        let loaded = try ConfigLoader.load(yaml: yaml, file: "exit.yaml", environment: [:])
        let runtime = Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, serveHTTP: false, sampleInterval: .milliseconds(100)))
        try await runtime.start()
        let flowing = await eventually { await runtime.status().messages > 0 }
        let statusBefore = await runtime.status()
        #expect(flowing, "no data: \(statusBefore)")
        try await runtime.injectFault(.dropAll)
        let stopped = await eventually { await runtime.currentPhase == .stopped }
        let statusAfter = await runtime.status()
        let alertsAfter = await runtime.alerts()
        #expect(stopped, "\(statusAfter) \(alertsAfter)")
        #expect(await runtime.exitRequest?.code == 9)
        await runtime.stop()
    }

    @Test func reloadKeepsOldConfigWhenInvalidAndAppliesChannelChanges() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bfxrun-reload-\(UUID().uuidString).yaml")
        try Self.yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let loaded = try ConfigLoader.load(path: file.path, environment: [:])
        let runtime = Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, environment: [:],
                                                                             configPath: file.path, serveHTTP: false))
        try await runtime.start()
        try (Self.yaml + "\nbogus: 1\n").write(to: file, atomically: true, encoding: .utf8)
        await #expect(throws: ConfigError.self) { try await runtime.reload() }
        #expect(await runtime.channelList().count == 3)
        #expect(await runtime.config == loaded.config)
        let added = Self.yaml.replacingOccurrences(of: "      - {channel: ticker, symbol: tBTCUSD}\n",
                                                   with: "      - {channel: ticker, symbol: tBTCUSD}\n      - {channel: ticker, symbol: tETHUSD}\n")
        try added.write(to: file, atomically: true, encoding: .utf8)
        try await runtime.reload()
        #expect(await runtime.channelList().map(\.name).contains("ticker:tETHUSD"))
        #expect(await eventually { await runtime.ticker(symbol: "tETHUSD") != nil })
        await runtime.stop()
    }
}
