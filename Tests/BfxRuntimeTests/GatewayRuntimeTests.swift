import BfxClient
import BfxGateway
import BfxProtocol
import BfxTestSupport
import Foundation
import Testing
@testable import BfxRuntime

/// `gateway:` in the YAML: decoding and its errors, and a runtime that serves local clients and
/// shows them in its snapshot (`/api/state`) and through the console backend's calls.
@Suite(.serialized) struct GatewayRuntimeTests {
    static func issues(_ yaml: String) -> [ConfigIssue] {
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "gw.yaml", environment: [:])
            return []
        } catch {
            return error.issues
        }
    }

    @Test func decodesEveryKey() throws {
        let yaml = """
        gateway:
          listen: 127.0.0.1:0
          max_clients: 10
          max_channels_per_client: 5
          max_frame_bytes: 4096
          send_buffer: 100
          requests_per_second: 7
          linger: 250ms
          heartbeat: 2s
          rest:
            wait: 0s
            cache:
              - {path: tickers, ttl: 1s}
        """
        let config = try ConfigLoader.load(yaml: yaml, file: "gw.yaml", environment: [:]).config
        let g = try #require(config.gateway).configuration
        #expect(g.host == "127.0.0.1" && g.port == 0)
        #expect(g.maxClients == 10 && g.maxChannelsPerClient == 5 && g.maxFrameBytes == 4096 && g.sendBuffer == 100)
        #expect(g.requestsPerSecond == 7 && g.linger == .milliseconds(250) && g.heartbeat == .seconds(2) && g.restWait == .zero)
        #expect(g.restCache == [.init(path: "tickers", ttl: .seconds(1))])
        #expect(g.problems.isEmpty)
        #expect(try ConfigLoader.load(yaml: "version: 1\n", file: "x.yaml", environment: [:]).config.gateway == nil)
        #expect(try #require(ConfigLoader.load(yaml: "gateway: {}\n", file: "x.yaml", environment: [:]).config.gateway).configuration.maxChannelsPerClient == nil)
    }

    @Test func rejectsBadValuesWithTheirPath() {
        let offHost = Self.issues("gateway:\n  listen: 0.0.0.0:8766\n")
        #expect(offHost.contains { $0.path.description.contains("gateway.listen") && $0.message.contains("loopback") })
        #expect(!Self.issues("gateway:\n  listen: nonsense\n").isEmpty)
        #expect(!Self.issues("gateway:\n  send_buffer: 1\n").isEmpty)
        #expect(!Self.issues("gateway:\n  linger: forever\n").isEmpty)
        #expect(!Self.issues("gateway:\n  rest:\n    cache:\n      - {path: tickers}\n").isEmpty)
        let typo = Self.issues("gateway:\n  max_client: 3\n")
        #expect(typo.contains { $0.message.contains("max_client") })
    }

    @Test func runtimeServesLocalClientsAndReportsThem() async throws {
        let yaml = """
        endpoint: simulator
        gateway:
          listen: 127.0.0.1:0
          heartbeat: 1s
        simulator: {seed: 7, rate: 20}
        """
        let loaded = try ConfigLoader.load(yaml: yaml, file: "gw.yaml", environment: [:])
        let runtime = Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, serveHTTP: false))
        try await runtime.start()
        do {
            let status = try #require(await runtime.gatewaySnapshot())
            let ws = TestWS(url: status.wsURL)
            try await ws.expect("info") { $0["event"]?.string == "info" }
            let chanId = try await ws.subscribe("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tBTCUSD\",\"prec\":\"P0\"}")
            _ = try await ws.expect("book snapshot") { $0[0]?.int == chanId && $0[1]?.array != nil }
            let snapshot = await runtime.snapshot()
            let gateway = try #require(snapshot.gateway)
            #expect(gateway.state.clients.count == 1)
            #expect(gateway.state.clients.first?.channels == ["book:tBTCUSD:P0:F0:25"])
            #expect(gateway.state.channels.first?.live == true)
            let json = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
            #expect(json.contains("\"gateway\""))
            let id = try #require(gateway.state.clients.first?.id)
            #expect(await runtime.kickGatewayClient(id))
            try await ws.expectClosed(timeout: .seconds(10))
            #expect(await runtime.kickGatewayClient(id + 100) == false)
            await ws.close()
        } catch {
            await runtime.stop()
            throw error
        }
        await runtime.stop()
    }
}
