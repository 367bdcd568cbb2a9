import BfxNonce
import BfxProtocol
import BfxSimulator
import Foundation
import Testing
@testable import BfxClient
import BfxTestSupport

/// Record → replay round trips with the real client against the simulator on loopback: the
/// recording, fed through `ReplayCheck`, gives the books the simulator holds; credentials of an
/// authenticated session appear in no byte of the file.
extension WebSocketIntegrationTests {
@Suite(.serialized, .timeLimit(.minutes(2))) struct RecordReplayTests {
    @Test func replayCheckGivesTheSimulatorsBooks() async throws {
        let simulator = try await WS.simulator()
        let path = RecordingFileTests.temporaryPath("session.bfxrec.gz")
        let recorder = try FrameRecorder(options: .init(path: path, flushBytes: 4096))
        var configuration = WS.configuration(for: simulator)
        configuration.recorder = recorder
        let client = try WS.client(configuration)
        let p0 = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
        let r0 = try await client.subscribe(.rawBook("tETHUSD", length: 25))
        let trades = try await client.subscribe(.trades("tBTCUSD"))
        #expect(await WS.converge([p0, r0, trades], simulator))
        await simulator.step(200)
        #expect(await WS.converge([p0, r0, trades], simulator))
        let expectedP0 = try #require(await simulator.book(symbol: "tBTCUSD", prec: "P0", len: 25))
        let expectedR0 = try #require(await simulator.book(symbol: "tETHUSD", prec: "R0", len: 25))
        await client.shutdown()
        await simulator.shutdown()
        recorder.close()

        let report = try ReplayCheck.run(path: path)
        #expect(report.connections >= 1)
        #expect(report.decodeErrors == 0)
        #expect(report.sequenceProblems == 0)
        #expect(report.truncatedSegments == 0)
        #expect(report.outboundFrames >= 3)  // conf + subscribes
        #expect(report.channels.allSatisfy { $0.checksumMismatches == 0 })
        #expect(report.channels.reduce(0) { $0 + $1.checksumsVerified } > 0)
        let book = try #require(report.books.first { $0.channel == "book tBTCUSD P0 25" })
        #expect(book.checksum == expectedP0.checksum)
        #expect(book.bids == expectedP0.bids.map { [$0.price, String($0.count ?? -1), $0.amount] })
        #expect(book.asks == expectedP0.asks.map { [$0.price, String($0.count ?? -1), $0.amount] })
        let raw = try #require(report.books.first { $0.channel == "book tETHUSD R0 25" })
        #expect(raw.checksum == expectedR0.checksum)
        #expect(raw.bids == expectedR0.bids.map { [$0.price, String($0.id ?? -1), $0.amount] })
    }

    @Test func anAuthenticatedSessionLeavesNoCredentialInTheFile() async throws {
        let key = "KNOWNKEY-3f0d8a6c21"
        let secret = "KNOWNSECRET-9e4b7d1a55"
        var simConfig = SimulatorConfiguration()
        simConfig.tickMode = .manual
        simConfig.apiKeys = [.init(key: key, secret: secret, userId: 7)]
        let simulator = try await BfxSimulator.start(simConfig)
        let path = RecordingFileTests.temporaryPath("auth.bfxrec.gz")
        // No extra secrets: the auth frame itself must be recognised and redacted.
        let recorder = try FrameRecorder(options: .init(path: path))
        let credentials = BfxCredentials(apiKey: key, secret: secret)
        let transport = try WebSocketUserDataTransport(
            url: simulator.wsURL, rateLimit: ConnectionRateLimit(maxConnections: 100, window: .seconds(1)), recorder: recorder)
        let client = UserDataClient(
            credentials: credentials,
            configuration: UserDataConfiguration(requestTimeout: .seconds(5), snapshotTimeout: .seconds(2)),
            transport: transport, nonceManager: NonceManager())
        try await client.start()
        await client.stop()
        await simulator.shutdown()
        recorder.close()
        #expect(recorder.statistics.redacted >= 1)

        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        let (lines, _) = try RecordingFileTests.records(path)
        #expect(lines.contains { $0.contains("d=out \(RecordLine.redactionMarker)") })
        #expect(lines.contains { $0.contains("d=in [0,") })  // account data was recorded
        let text = Data(lines.joined(separator: "\n").utf8)
        for needle in [key, secret, "authSig", "AUTH1"] {
            #expect(raw.range(of: Data(needle.utf8)) == nil)
            #expect(text.range(of: Data(needle.utf8)) == nil, "\(needle.prefix(4))… in the decompressed recording")
        }
    }
}
}
