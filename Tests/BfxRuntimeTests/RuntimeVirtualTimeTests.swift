import BfxProtocol
import BfxSimulator
import BfxTestSupport
import Foundation
import Testing
@testable import BfxRuntime

/// The runtime's own timers (fault schedule, sampling) run on the injected clock: a drill
/// scheduled 30 minutes after start fires when a test advances a manual clock by 30 minutes,
/// not after 30 minutes of real time, and not a moment before.
@Suite(.serialized) struct RuntimeVirtualTimeTests {
    static let yaml = """
    endpoint: simulator
    keys: [{name: demo}]
    connections:
      - name: market
        channels: [{channel: ticker, symbol: tBTCUSD}]
    metrics: {enabled: false}
    simulator:
      seed: 3
      faults:
        - {at: 30m, fault: restart}
        - {at: 45m, fault: nonce, count: 3}
    """

    @Test func scheduledFaultsFireAtTheirVirtualTime() async throws {
        let loaded = try ConfigLoader.load(yaml: Self.yaml, file: "virtual.yaml", environment: [:])
        let clock = ManualClock()
        let runtime = Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, metrics: nil, clock: clock,
                                                                             serveHTTP: false, sampleInterval: .seconds(1)))
        try await runtime.start()
        let simulator = await runtime.simulator
        #expect(simulator != nil)
        func injected(_ name: String) async -> Int { await simulator?.stats().faultsInjected[name] ?? 0 }

        // The schedule task sleeps on the manual clock; nothing fires while it does not move.
        #expect(await eventually(timeout: .seconds(10)) { clock.sleeperCount > 0 })
        clock.advance(by: .seconds(29 * 60))
        #expect(await injected("restart") == 0)

        clock.advance(by: .seconds(60))
        #expect(await eventually(timeout: .seconds(10)) { await injected("restart") == 1 })
        #expect(await injected("nonce") == 0)

        clock.advance(by: .seconds(15 * 60))
        #expect(await eventually(timeout: .seconds(10)) { await injected("nonce") == 1 })
        await runtime.stop()
    }

    @Test func faultStepsUseTheSimulatorsVocabulary() throws {
        // Every canonical name of the shared vocabulary is a valid YAML fault; an alias of the
        // control API or a typo is not (YAML takes canonical names only, with did-you-mean).
        for name in FaultName.names where name != "drop_connection" {
            let yaml = Self.yaml.replacingOccurrences(of: "fault: restart", with: "fault: \(name)")
            #expect(throws: Never.self, "\(name)") { try ConfigLoader.load(yaml: yaml, file: "virtual.yaml", environment: [:]) }
        }
        let typo = Self.yaml.replacingOccurrences(of: "fault: restart", with: "fault: restrat")
        #expect(throws: ConfigError.self) { try ConfigLoader.load(yaml: typo, file: "virtual.yaml", environment: [:]) }
    }
}
