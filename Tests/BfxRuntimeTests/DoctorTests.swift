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
        #expect(again.endpoint == server.wsURL)
        await server.shutdown()
    }
}
