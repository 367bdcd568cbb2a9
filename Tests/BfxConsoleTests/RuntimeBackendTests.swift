import BfxProtocol
import BfxRuntime
import Foundation
import Logging
import Testing
@testable import BfxConsole

/// The adapter against the real runtime and its embedded simulator (loopback, ephemeral ports).
@Suite(.serialized) struct RuntimeBackendTests {
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
        await backend.shutdown()
        #expect(status == 0, "\(sink.errors)")
        let lines = sink.output.split(separator: "\n", omittingEmptySubsequences: false)
        let statusLine = try JSONValue.parseConsole(String(lines[0]))
        #expect(statusLine["simulator"] == .bool(true))
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
        // The quickstart opens no user-data stream: the runtime says how to configure one.
        do {
            try await backend.sendRaw(#"{"event":"ping"}"#, connection: String?.none)
            Issue.record("raw frame accepted without a user-data stream")
        } catch let error as ConsoleBackendError {
            guard case .rejected(let reason) = error else { throw error }
            #expect(reason.contains("connections[].key"), "\(reason)")
        }
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
