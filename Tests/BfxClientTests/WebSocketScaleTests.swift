import BfxProtocol
import BfxSimulator
import Foundation
import Testing
@testable import BfxClient
import BfxTestSupport

/// Pool behaviour at scale: many subscriptions spread over several connections, all resubscribed
/// exactly once after a drop of every connection.
extension WebSocketIntegrationTests {
@Suite(.serialized) struct WebSocketScaleTests {
    static let symbols = (0..<30).map { String(format: "tS%02dUSD", $0) }

    @Test func oneHundredTwentySubscriptionsSurviveADropOfAllConnections() async throws {
        let simulator = try await WS.simulator(symbols: Self.symbols)
        let client = try WS.client(WS.configuration(for: simulator))
        var subscriptions: [Subscription] = []
        for symbol in Self.symbols {
            subscriptions.append(try await client.subscribe(.ticker(symbol)))
            subscriptions.append(try await client.subscribe(.trades(symbol)))
            subscriptions.append(try await client.subscribe(.book(symbol, precision: .p0, length: 25)))
            subscriptions.append(try await client.subscribe(.rawBook(symbol, length: 25)))
        }
        #expect(subscriptions.count == 120)
        let all = subscriptions
        #expect(await eventually(timeout: .seconds(30)) { all.allSatisfy(\.isLive) })
        let before = await client.snapshot()
        #expect(before.connections.count >= 5)
        #expect(before.connections.allSatisfy { $0.subscriptions <= 25 })
        #expect(before.channels.allSatisfy { $0.subscribeRequests == 1 })

        await simulator.inject(.dropAll)
        #expect(await eventually(timeout: .seconds(30)) { await client.snapshot().connections.allSatisfy { $0.opens == 2 } })
        #expect(await eventually(timeout: .seconds(30)) { all.allSatisfy(\.isLive) })
        #expect(await WS.converge(all, simulator, timeout: .seconds(30)))
        let after = await client.snapshot()
        // Nothing forgotten, nothing subscribed twice: exactly one resubscription each.
        #expect(after.channels.count == 120)
        #expect(after.channels.allSatisfy { $0.subscribeRequests == 2 }, "\(after.channels.filter { $0.subscribeRequests != 2 }.map { "\($0.channel) x\($0.subscribeRequests) resyncs \($0.resyncs) gaps \($0.sequenceGaps)" }) \(after.integrity)")
        #expect(after.integrity.resubscriptions == 120)
        #expect(Set(after.channels.map(\.channel)).count == 120)
        await client.shutdown()
        await simulator.shutdown()
    }

    @Test func emptyConnectionsAreClosedAndNewOnesOpenedOnDemand() async throws {
        let simulator = try await WS.simulator()
        var configuration = WS.configuration(for: simulator)
        configuration.maxSubscriptionsPerConnection = 2
        let client = try WS.client(configuration)
        let a = try await client.subscribe(.ticker("tBTCUSD"))
        let b = try await client.subscribe(.ticker("tETHUSD"))
        let c = try await client.subscribe(.ticker("tXRPBTC"))
        #expect(client.connectionCount == 2)
        #expect(await eventually { a.isLive && b.isLive && c.isLive })
        await c.unsubscribe()
        #expect(client.connectionCount == 1)
        #expect(await eventually { await simulator.stats().connections == 1 })
        await a.unsubscribe()
        await b.unsubscribe()
        #expect(client.connectionCount == 0)
        #expect(await eventually { await simulator.stats().connections == 0 })
        await client.shutdown()
        await simulator.shutdown()
    }
}
}
