import BfxClient
import Foundation
import Testing
@testable import BfxRuntime

@Suite struct ConfigLoaderTests {
    let env = ["BFX_API_KEY": "key-123", "BFX_API_SECRET": "very-secret-value", "PG_URL": "postgres://bfx:pgpass@127.0.0.1:5432/bfx"]

    @Test func emptyConfigGivesDefaults() throws {
        let loaded = try ConfigLoader.load(yaml: "", file: "empty.yaml", environment: [:])
        #expect(loaded.config == RuntimeConfig())
        #expect(loaded.config.endpoint == .simulator)
        #expect(loaded.config.websocket.heartbeatTimeout == .seconds(20))
    }

    @Test func fullConfigParses() throws {
        let yaml = """
        version: 1
        endpoint: live
        keys:
          - name: main
            api_key: ${BFX_API_KEY}
            api_secret: ${BFX_API_SECRET:?export it}
            nonce_store: {kind: postgres, url: "${PG_URL}"}
        connections:
          - name: pub
            channels:
              - {channel: ticker, symbol: tBTCUSD}
              - {channel: book, symbol: tETHUSD, prec: P1, freq: F1, len: 100}
              - {channel: book, symbol: tBTCUSD, prec: R0, len: 25}
              - {channel: candles, key: "trade:1m:tBTCUSD"}
              - {channel: status, key: "deriv:tBTCF0:USTF0"}
          - name: acct
            key: main
        websocket:
          heartbeat_timeout: 500ms
          reconnect: {initial_delay: 1s, max_delay: 2m, jitter: none}
        alerts:
          - {name: a, kind: message_rate_drop, threshold: 2.5, window: 30s, actions: [log, exit], exit_code: 7}
        """
        let loaded = try ConfigLoader.load(yaml: yaml, file: "full.yaml", environment: env)
        let c = loaded.config
        #expect(c.endpoint == .live)
        #expect(c.keys.first?.apiKey?.value == "key-123")
        #expect(c.keys.first?.apiSecret?.value == "very-secret-value")
        #expect(c.keys.first?.nonceStore.kind == .postgres)
        #expect(c.connections[0].channels == [
            .ticker("tBTCUSD"), .book("tETHUSD", precision: .p1, frequency: .f1, length: 100),
            .rawBook("tBTCUSD", length: 25), .candles("trade:1m:tBTCUSD"), .status("deriv:tBTCF0:USTF0"),
        ])
        #expect(c.connections[1].key == "main")
        #expect(c.websocket.heartbeatTimeout == ConfigDuration(milliseconds: 500))
        #expect(c.websocket.reconnect.maxDelay == .seconds(120))
        #expect(c.websocket.reconnect.jitter == .none)
        #expect(c.alerts[0].kind == .messageRateDrop && c.alerts[0].exitCode == 7 && c.alerts[0].actions == [.log, .exit])
        // Secrets never appear in the masked output, references do.
        #expect(!loaded.maskedYAML.contains("very-secret-value"))
        #expect(!loaded.maskedYAML.contains("key-123"))
        #expect(!loaded.maskedYAML.contains("pgpass"))
        #expect(loaded.maskedYAML.contains("${BFX_API_KEY}"))
        #expect(!String(describing: c).contains("very-secret-value"))
    }

    @Test func maskedOutputRoundTrips() throws {
        let yaml = """
        keys: [{name: main, api_key: "${BFX_API_KEY}", api_secret: "${BFX_API_SECRET}"}]
        connections: [{name: p, channels: [{channel: trades, symbol: tBTCUSD}]}]
        alerts: [{name: x, kind: reconnects, threshold: 3, actions: [webhook], webhook_url: "http://127.0.0.1:1/h"}]
        simulator: {faults: [{at: 2s, fault: stall, duration: 3s}]}
        startup: [{path: auth/r/wallets, every: 1s}]
        """
        let first = try ConfigLoader.load(yaml: yaml, file: "a.yaml", environment: env)
        let second = try ConfigLoader.load(yaml: first.maskedYAML, file: "effective.yaml", environment: env)
        #expect(first.config == second.config)
    }

    @Test func everyProblemReportedAtOnceWithPositions() throws {
        let yaml = """
        endpiont: simulator
        websocket:
          heartbeat_timeout: fast
          max_subscriptions_per_connection: 99
          checksum: maybe
        keys:
          - name: main
            api_key: abcdef0123456789
            api_secret: ${NOT_SET_ANYWHERE:?please export NOT_SET_ANYWHERE}
        connections:
          - name: p
            channels:
              - {channel: book, symbol: tBTCUSD, prec: P9}
              - {channel: tickr, symbol: tBTCUSD}
              - {channel: trades, symbol: tBTCUSD, lenn: 3}
        logging: {level: verbose}
        """
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "bad.yaml", environment: [:])
            Issue.record("expected failure")
        } catch {
            guard case .invalid(let issues) = error else { Issue.record("wrong error \(error)"); return }
            func find(_ path: String) -> ConfigIssue? { issues.first { $0.path == path } }
            let unknown = try #require(find("endpiont"))
            #expect(unknown.kind == .unknownKey && unknown.line == 1 && unknown.column == 1)
            #expect(unknown.hint?.contains("endpoint") == true)
            let hb = try #require(find("websocket.heartbeat_timeout"))
            #expect(hb.kind == .wrongType && hb.line == 3 && hb.column == 22)
            #expect(find("websocket.max_subscriptions_per_connection")?.kind == .outOfRange)
            #expect(find("websocket.checksum")?.kind == .wrongType)
            let literal = try #require(find("keys[0].api_key"))
            #expect(literal.kind == .literalSecret && literal.line == 8)
            #expect(!literal.description.contains("abcdef0123456789"))
            let missingEnv = try #require(find("keys[0].api_secret"))
            #expect(missingEnv.kind == .missingEnv && missingEnv.message.contains("please export NOT_SET_ANYWHERE"))
            #expect(find("connections[0].channels[0].prec")?.kind == .invalidValue)
            let tickr = try #require(find("connections[0].channels[1].channel"))
            #expect(tickr.hint?.contains("ticker") == true)
            let lenn = try #require(find("connections[0].channels[2].lenn"))
            #expect(lenn.kind == .unknownKey && lenn.hint?.contains("len") == true)
            #expect(find("logging.level")?.kind == .invalidValue)
            #expect(issues.count >= 10)
            // sorted by position
            #expect(issues.map(\.line) == issues.map(\.line).sorted())
        }
    }

    @Test func syntaxErrorHasPosition() {
        let yaml = "websocket:\n  checksum: true\n bad: [unclosed\n"
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "syn.yaml", environment: [:])
            Issue.record("expected failure")
        } catch {
            guard case .syntax(let file, let line, _, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(file == "syn.yaml")
            #expect(line >= 2)
        }
    }

    @Test func wrongTypesForSections() throws {
        let yaml = "keys: {name: x}\nwebsocket: [1, 2]\nalerts:\n  - {name: a, threshold: -1}\n"
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "t.yaml", environment: [:])
            Issue.record("expected failure")
        } catch {
            let kinds = Dictionary(error.issues.map { ($0.path, $0.kind) }, uniquingKeysWith: { a, _ in a })
            #expect(kinds["keys"] == .wrongType)
            #expect(kinds["websocket"] == .wrongType)
            #expect(kinds["alerts[0].kind"] == .missingKey)
            #expect(kinds["alerts[0].threshold"] == .outOfRange)
        }
    }

    @Test func crossReferencesChecked() throws {
        let yaml = """
        keys: [{name: main}]
        connections: [{name: a, key: mian}]
        nonce:
          classes: [{name: urgent}, {name: bulk, limit: 10}]
          map: {order_new: urgent, read: normal}
        startup: [{path: auth/r/wallets, priority: bulkk, key: main}]
        """
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "x.yaml", environment: [:])
            Issue.record("expected failure")
        } catch {
            let byPath = Dictionary(error.issues.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byPath["connections[0].key"]?.hint?.contains("main") == true)
            #expect(byPath["nonce.map.read"]?.kind == .invalidValue)
            #expect(byPath["startup[0].priority"]?.hint?.contains("bulk") == true)
        }
    }

    @Test func liveEndpointRequiresCredentials() {
        #expect(throws: ConfigError.self) { try ConfigLoader.load(yaml: "endpoint: live\nkeys: [{name: k}]", environment: [:]) }
        #expect(throws: ConfigError.self) { try ConfigLoader.load(yaml: "metrics: {listen: 0.0.0.0:9464}", environment: [:]) }
        #expect(throws: ConfigError.self) { try ConfigLoader.load(yaml: "endpoint: {ws_public: http://x}", environment: [:]) }
    }

    @Test func interpolationInPlainStrings() throws {
        let loaded = try ConfigLoader.load(yaml: "metrics: {listen: \"127.0.0.1:${PORT:-0}\"}", environment: [:])
        #expect(loaded.config.metrics.port == 0)
        let loaded2 = try ConfigLoader.load(yaml: "metrics: {listen: \"127.0.0.1:${PORT}\"}", environment: ["PORT": "9999"])
        #expect(loaded2.config.metrics.port == 9999)
    }

    @Test func durations() {
        #expect(ConfigDuration.parse("500ms") == ConfigDuration(milliseconds: 500))
        #expect(ConfigDuration.parse("2m") == .seconds(120))
        #expect(ConfigDuration.parse("1.5") == ConfigDuration(milliseconds: 1500))
        #expect(ConfigDuration.parse("1h")?.description == "1h")
        #expect(ConfigDuration.parse("soon") == nil)
        #expect(ConfigDuration.parse("-1s") == nil)
    }

    @Test func defaultTemplateIsValid() throws {
        let loaded = try ConfigLoader.load(yaml: ConfigLoader.defaultTemplate, file: "init.yaml", environment: [:])
        #expect(loaded.config.connections.first?.channels.count == 3)
    }

    @Test func channelSpecShortForm() throws {
        #expect(try ChannelSpec.parse("book:tBTCUSD") == .book("tBTCUSD", precision: .p0, frequency: .f0, length: 25))
        #expect(try ChannelSpec.parse("book:tBTCUSD:R0:100") == .rawBook("tBTCUSD", length: 100))
        #expect(try ChannelSpec.parse("rawbook:tBTCUSD:100") == .rawBook("tBTCUSD", length: 100))
        #expect(try ChannelSpec.parse("candles:trade:1m:tBTCUSD") == .candles("trade:1m:tBTCUSD"))
        // The printed form parses back to the same spec.
        for spec: ChannelSpec in [.book("tETHUSD", precision: .p3, frequency: .f1, length: 100), .rawBook("fUSD", length: 1), .status("liq:global")] {
            #expect(try ChannelSpec.parse(spec.description) == spec)
        }
        #expect(throws: ChannelSpecError.self) { try ChannelSpec.parse("book:tBTCUSD:P7") }
        #expect(throws: ChannelSpecError.self) { try ChannelSpec.parse("ticker:btcusd") }
    }
}
