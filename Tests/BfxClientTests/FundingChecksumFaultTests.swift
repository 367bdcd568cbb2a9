import BfxProtocol
import BfxSimulator
import Logging
import Testing
@testable import BfxClient
import BfxTestSupport

/// The simulator's `funding_checksum` fault (the live server's wrong funding-book checksums,
/// protocol reference §4.4) against the real client: under the default policy the funding book
/// is resubscribed at most once per observe window — no loop — while a trading book on the same
/// socket keeps verifying its checksums. The client runs on the manual clock so the window is
/// crossed explicitly (liveness timers are set out of reach so only the window sees the jump).
extension WebSocketIntegrationTests {
@Suite(.serialized) struct FundingChecksumFaultTests {
    @Test func wrongFundingChecksumsResubscribeAtMostOncePerWindow() async throws {
        let simulator = try await WS.simulator()
        let clock = ManualClock()
        var configuration = WS.configuration(for: simulator)
        configuration.heartbeatTimeout = .seconds(86_400)
        configuration.pingInterval = .seconds(86_400)
        #expect(configuration.checksumPolicy == .standard)
        var logger = Logger(label: "test.ws")
        logger.logLevel = .error
        let client = try BfxClient(configuration: configuration, clock: clock, logger: logger)
        let funding = try await client.subscribe(.book("fUSD", precision: .p0, length: 25))
        let trading = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
        #expect(await WS.converge([funding, trading], simulator))

        func status(_ subscription: Subscription) async -> ChannelStatus? {
            await client.snapshot().channels.first { $0.subscription == subscription.id }
        }
        /// Steps the market until the funding book has counted `target` mismatches (bounded).
        func stepUntilFundingMismatches(_ target: Int) async -> Bool {
            for _ in 0..<1_000 {
                await simulator.step(10)
                if await eventually(timeout: .milliseconds(50), every: .milliseconds(2), {
                    await (status(funding)?.checksumMismatches ?? 0) >= target
                }) { return true }
            }
            return false
        }

        await simulator.inject(.wrongFundingChecksums)
        #expect(await stepUntilFundingMismatches(40))
        var fundingStatus = try #require(await status(funding))
        // The first wrong checksum resynced the book once; every later one was only counted.
        #expect(fundingStatus.subscribeRequests == 2)
        #expect(fundingStatus.resyncs == 1)
        #expect(fundingStatus.checksumMismatchesObserved == fundingStatus.checksumMismatches - 1)
        var tradingStatus = try #require(await status(trading))
        #expect(tradingStatus.checksumMismatches == 0)
        #expect(tradingStatus.subscribeRequests == 1)
        #expect(tradingStatus.checksumsVerified > 0)

        // The window passes: exactly one more resync, then quiet again.
        clock.advance(by: configuration.checksumPolicy.observeResyncWindow)
        #expect(await stepUntilFundingMismatches(fundingStatus.checksumMismatches + 40))
        fundingStatus = try #require(await status(funding))
        #expect(fundingStatus.subscribeRequests == 3)
        #expect(fundingStatus.resyncs == 2)
        #expect(client.environment.integrityCounters.checksumMismatchesObserved == fundingStatus.checksumMismatches - 2)
        tradingStatus = try #require(await status(trading))
        #expect(tradingStatus.checksumMismatches == 0 && tradingStatus.subscribeRequests == 1)
        #expect(await client.snapshot().connections.allSatisfy { $0.opens == 1 })

        // The funding book itself was right all along: it equals the simulator's book.
        await simulator.inject(.clear)
        #expect(await WS.converge([funding, trading], simulator))
        #expect(await simulator.stats().faultsInjected["funding_checksum"] == 1)
        await client.shutdown()
        await simulator.shutdown()
    }
}
}
