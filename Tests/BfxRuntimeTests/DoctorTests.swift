import BfxClient
import BfxGateway
import Foundation
import Testing
@testable import BfxRuntime

/// `bfxrun doctor`: a short session against the simulator passes every check and leaves a
/// recording; the same doctor against `ReplayServer` serving that recording passes too.
@Suite(.serialized, .timeLimit(.minutes(2))) struct DoctorTests {
    static let channels = """
          - {name: market, channels: [{channel: book, symbol: tBTCUSD, prec: P0, len: 25}, {channel: trades, symbol: tBTCUSD}, {channel: ticker, symbol: tETHUSD}]}
        """

    @Test func aSessionAgainstTheSimulatorPassesAndIsRecorded() async throws {
        let path = RecordingRuntimeTests.temporaryPath()
        let yaml = """
        endpoint: simulator
        keys: [{name: demo}]
        connections:
          - {name: account, key: demo}
        \(Self.channels)
        startup:
          - {path: auth/w/order/submit, body: '{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.01","price":"50000","cid":1}'}
        simulator: {seed: 3, rate: 50}
        """
        let config = try ConfigLoader.load(yaml: yaml, file: "doctor.yaml", environment: [:]).config
        let report = try await Doctor.run(config: config, seconds: 1.5, recording: path, logger: TestSupport.quietLogger)
        #expect(report.passed, "\(Doctor.render(report))")
        #expect(report.checks.map(\.name).contains("auth demo"))
        for name in ["platform", "clock", "conf", "dialect", "signed call demo"] {
            #expect(report.checks.contains { $0.name == name && $0.passed }, "\(name): \(Doctor.render(report))")
        }
        // Same host: the clock interval contains zero, and trades never arrive before their MTS.
        let low = try #require(report.clock.offsetLowMillis), high = try #require(report.clock.offsetHighMillis)
        #expect(low <= 0 && high >= 0, "offset interval [\(low), \(high)]")
        #expect(report.dialect.variants(of: "subscribed.subId").count <= 1)
        #expect(!report.dialect.observations.isEmpty && report.dialect.unknown.isEmpty)
        #expect(report.differences.isEmpty)
        #expect(report.replay.channels.count == 3)
        #expect(Doctor.render(report).contains("RESULT: PASS"))
        // Read-only: the configured startup order is not part of the session.
        #expect(!config.startup.isEmpty)
        let session = Doctor.sessionConfiguration(config, recording: path)
        #expect(session.startup.isEmpty && session.alerts.isEmpty && session.gateway == nil)
        #expect(session.recording?.path == path)

        // The same doctor against the recording served by `bfxrun replay`.
        let server = try await ReplayServer.start(try ReplayTape(path: path), options: .init(speed: 0))
        let replayYAML = """
        endpoint: {ws_public: "\(server.wsURL)", ws_auth: "\(server.wsURL)", rest_public: "\(server.restURL)", rest_auth: "\(server.restURL)"}
        connections:
        \(Self.channels)
        """
        let replayConfig = try ConfigLoader.load(yaml: replayYAML, file: "replay.yaml", environment: [:]).config
        let again = try await Doctor.run(config: replayConfig, seconds: 1, recording: RecordingRuntimeTests.temporaryPath(),
                                         logger: TestSupport.quietLogger)
        #expect(again.passed, "\(Doctor.render(again))")
        // The replay is compared with a session against the embedded simulator: a replay of a
        // simulator session uses the simulator's variants on every point both sessions showed.
        #expect(again.differences.isEmpty, "\(again.differences)")
        #expect(again.checks.contains { $0.name == "dialect" && $0.detail.contains("0 differ from the simulator") })
        #expect(again.endpoint == server.wsURL)
        await server.shutdown()
    }
}
