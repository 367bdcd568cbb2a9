import BfxClient
import BfxProtocol
import BfxTestSupport
import Testing
@testable import BfxGateway

extension GatewayIntegrationTests {
    /// An unmodified BfxClient pointed at the gateway (host change only): every channel kind,
    /// its own checksum and sequence audit on, converges to the simulator's books.
    @Suite struct SwiftClientThroughGateway {
        static let channels: [ChannelSpec] = [
            .ticker("tBTCUSD"), .trades("tBTCUSD"), .candles("trade:1m:tBTCUSD"),
            .book("tBTCUSD", precision: .p0), .book("tBTCUSD", precision: .p1), .book("tBTCUSD", precision: .p2),
            .book("tBTCUSD", precision: .p3), .book("tBTCUSD", precision: .p4), .rawBook("tBTCUSD"),
            .book("fUSD", precision: .p0), .rawBook("fUSD"), .trades("fUSD"), .ticker("fUSD"),
        ]

        @Test func everyChannelKindConvergesWithChecksumsVerified() async throws {
            try await GatewayFixture.with { fx in
                let local = try fx.localClient()
                let log = ClientEventLog(local)
                defer { log.cancel() }
                var subs: [Subscription] = []
                for spec in Self.channels { subs.append(try await local.subscribe(spec)) }
                let received = Locked<[String: Int]>([:])
                var tasks: [Task<Void, Never>] = []
                for sub in subs {
                    tasks.append(sub.onEvent { event in
                        let kind: String? = switch event {
                        case .ticker, .fundingTicker: "ticker"
                        case .trade, .tradeSnapshot: "trades"
                        case .candle, .candleSnapshot: "candles"
                        case .book: "book"
                        default: nil
                        }
                        if let kind { received.withLock { $0[kind, default: 0] += 1 } }
                    })
                }
                try await fx.stepUntil("every local book equals the simulator's and every kind has data") {
                    for sub in subs where sub.channel.isBook {
                        guard await fx.bookMatches(sub.currentBook(), sub.channel) else { return false }
                    }
                    return received.withLock { $0.count } == 4
                }
                for sub in subs where sub.channel.isBook {
                    let verified = try #require(sub.currentBook()).checksum()
                    #expect(verified != 0)
                }
                #expect(log.integrity.isEmpty, "no checksum mismatch or sequence gap seen locally: \(log.integrity)")
                #expect(log.closes.isEmpty)
                let state = await fx.gateway.snapshot()
                #expect(state.channels.count == Self.channels.count)
                for task in tasks { task.cancel() }
                await local.shutdown()
            }
        }
    }
}
