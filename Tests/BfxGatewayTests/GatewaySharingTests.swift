import BfxClient
import BfxProtocol
import BfxTestSupport
import Testing
@testable import BfxGateway

extension GatewayIntegrationTests {
    /// One upstream subscription per distinct channel, counted at the simulator, while 20 local
    /// clients subscribe and unsubscribe the same channels at random.
    @Suite struct OneUpstreamSubscriptionPerChannel {
        static let requests = [
            "{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tBTCUSD\",\"prec\":\"P0\",\"len\":\"25\"}",
            "{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tBTCUSD\",\"prec\":\"R0\",\"len\":\"25\"}",
            "{\"event\":\"subscribe\",\"channel\":\"trades\",\"symbol\":\"tBTCUSD\"}",
            "{\"event\":\"subscribe\",\"channel\":\"ticker\",\"symbol\":\"tETHUSD\"}",
            "{\"event\":\"subscribe\",\"channel\":\"candles\",\"key\":\"trade:1m:tETHUSD\"}",
        ]

        @Test func randomChurnSharesOneUpstreamSubscription() async throws {
            try await GatewayFixture.with { fx in
                var locals: [TestWS] = []
                for _ in 0..<20 { locals.append(try await openLocal(fx)) }
                var rng = SplitMix64(seed: 99)
                // chanId per (client, request) while subscribed
                var subscribed: [Int: [Int: Int]] = [:]
                var maxActive = 0
                for round in 0..<200 {
                    let c = Int(rng.next() % 20)
                    let r = Int(rng.next() % UInt64(Self.requests.count))
                    if let chanId = subscribed[c]?[r] {
                        locals[c].send("{\"event\":\"unsubscribe\",\"chanId\":\(chanId)}")
                        _ = try await locals[c].expect("unsubscribed") { $0["event"]?.string == "unsubscribed" && $0["chanId"]?.int == chanId }
                        subscribed[c]?[r] = nil
                    } else {
                        subscribed[c, default: [:]][r] = try await locals[c].subscribe(Self.requests[r])
                    }
                    if round % 20 == 0 {
                        await fx.simulator.step(1)
                        let active = await fx.simulator.stats().activeSubscriptions.values.max() ?? 0
                        maxActive = max(maxActive, active)
                    }
                }
                let stats = await fx.simulator.stats()
                #expect(maxActive <= 1, "never two upstream subscriptions of one channel")
                #expect(stats.subscribesAccepted.count == Self.requests.count)
                for (channel, count) in stats.subscribesAccepted {
                    #expect(count == 1, "\(channel) was subscribed upstream \(count) times")
                }
                let gateway = await fx.gateway.snapshot()
                #expect(gateway.upstreamSubscribes == Self.requests.count)
                for ws in locals { await ws.close() }
            }
        }

        @Test func theUpstreamSubscriptionIsDroppedAfterLinger() async throws {
            try await GatewayFixture.with({ $0.linger = .milliseconds(100) }) { fx in
                let ws = try await openLocal(fx)
                let chanId = try await ws.subscribe(Self.requests[3])
                try await waitFor("upstream subscribed") { await fx.simulator.stats().activeSubscriptions["ticker:tETHUSD"] == 1 }
                ws.send("{\"event\":\"unsubscribe\",\"chanId\":\(chanId)}")
                try await waitFor("upstream unsubscribed after linger") { await fx.simulator.stats().activeSubscriptions["ticker:tETHUSD"] == nil }
                #expect(await fx.gateway.snapshot().channels.isEmpty)
                await ws.close()
            }
        }
    }
}
