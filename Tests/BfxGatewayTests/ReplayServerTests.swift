import BfxClient
import BfxProtocol
import BfxSimulator
import BfxTestSupport
import Foundation
import Testing
@testable import BfxGateway

/// Record → replay server round trip: a session recorded by the Swift client against the
/// simulator is served by `ReplayServer`, a fresh Swift client subscribes to the same channels
/// there and ends with the recorded books, every checksum verified, no sequence gap.
extension GatewayIntegrationTests {
@Suite(.serialized, .timeLimit(.minutes(2))) struct ReplayServerTests {
    static func temporaryPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bfxreplay-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("session.bfxrec.gz").path
    }

    /// Records a session with a P0 book, an R0 book and trades; returns the recording's path.
    static func record() async throws -> String {
        var simConfig = SimulatorConfiguration()
        simConfig.tickMode = .manual
        simConfig.heartbeatInterval = .milliseconds(500)
        let simulator = try await BfxSimulator.start(simConfig, logger: GatewayFixture.logger("test.sim"))
        let path = temporaryPath()
        let recorder = try FrameRecorder(options: .init(path: path, flushBytes: 4096))
        var configuration = GatewayFixture.clientConfiguration(url: simulator.wsURL)
        configuration.recorder = recorder
        let client = try BfxClient(configuration: configuration, logger: GatewayFixture.logger("test.rec"))
        let book = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
        let raw = try await client.subscribe(.rawBook("tETHUSD", length: 25))
        _ = try await client.subscribe(.trades("tBTCUSD"))
        #expect(await eventually { book.isLive && raw.isLive })
        // The market moves in steps; after each the client must have caught up (its book equals
        // the simulator's), so the recording holds every step's frames.
        for _ in 0..<20 {
            await simulator.step(15)
            #expect(await eventually {
                let sim = await simulator.book(symbol: "tBTCUSD")?.checksum
                let simRaw = await simulator.book(symbol: "tETHUSD", prec: "R0")?.checksum
                return book.currentBook()?.checksum() == sim && raw.currentBook()?.checksum() == simRaw
            })
        }
        await client.shutdown()
        await simulator.shutdown()
        recorder.close()
        return path
    }

    @Test func theSwiftClientGetsTheRecordedBooksFromTheReplayServer() async throws {
        let path = try await Self.record()
        let report = try ReplayCheck.run(path: path)
        #expect(report.decodeErrors == 0 && report.sequenceProblems == 0)
        let expectedP0 = try #require(report.books.first { $0.channel == "book tBTCUSD P0 25" })
        let expectedR0 = try #require(report.books.first { $0.channel == "book tETHUSD R0 25" })

        let tape = try ReplayTape(path: path)
        #expect(tape.channels.count >= 3)
        #expect(tape.info != nil)
        let server = try await ReplayServer.start(tape, options: .init(speed: 0), logger: GatewayFixture.logger("test.replay"))
        let client = try BfxClient(configuration: GatewayFixture.clientConfiguration(url: server.wsURL, seed: 3),
                                   logger: GatewayFixture.logger("test.client"))
        let book = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
        let raw = try await client.subscribe(.rawBook("tETHUSD", length: 25))
        let trades = try await client.subscribe(.trades("tBTCUSD"))
        #expect(await eventually { book.isLive && raw.isLive && trades.isLive })
        #expect(await eventually { book.currentBook()?.checksum() == expectedP0.checksum && raw.currentBook()?.checksum() == expectedR0.checksum })
        let final = try #require(book.currentBook())
        #expect(final.bids.map { [$0.price.text, String($0.count), $0.amount.text] } == expectedP0.bids)
        #expect(final.asks.map { [$0.price.text, String($0.count), $0.amount.text] } == expectedP0.asks)
        let snapshot = await client.snapshot()
        #expect(snapshot.integrity.checksumMismatches == 0)
        #expect(snapshot.integrity.sequenceGaps == 0)
        #expect(snapshot.integrity.malformedFrames == 0)
        #expect(snapshot.channels.allSatisfy { $0.subscribeRequests == 1 })
        #expect(snapshot.channels.filter { $0.checksumsVerified > 0 }.count == 2)
        let stats = server.statistics
        #expect(stats.subscribes == 3 && stats.unmatched == 0)
        await client.shutdown()
        await server.shutdown()
    }

    @Test func anUnrecordedChannelIsRefusedWithAnErrorEvent() async throws {
        let path = try await Self.record()
        let server = try await ReplayServer.start(try ReplayTape(path: path), options: .init(speed: 0))
        let ws = TestWS(url: server.wsURL)
        try await ws.expect("info") { $0["event"]?.string == "info" }
        ws.send(#"{"event":"subscribe","channel":"book","symbol":"tXRPBTC"}"#)
        let error = try await ws.expect("error") { $0["event"]?.string == "error" }
        #expect(error["code"]?.int == 10300)
        let chanId = try await ws.subscribe(#"{"event":"subscribe","channel":"trades","symbol":"tBTCUSD"}"#)
        try await ws.expect("trades snapshot") { $0.array?.first?.int == chanId }
        await ws.close()
        await server.shutdown()
    }
}
}
