import BfxNonce
import BfxProtocol
import BfxSimulator
import Foundation
import Logging
import Synchronization
import Testing
@testable import BfxClient

/// Shared mode (ADR 0019) against the simulator: one authenticated socket carries the account
/// (channel 0) and public subscriptions, and survives drops (fresh-nonce re-auth, public
/// resubscription, account reconciliation).
@Suite(.serialized, .timeLimit(.minutes(1))) struct SharedModeTests {
    static let alice = UserDataSimulatorTests.alice
    static let bob = UserDataSimulatorTests.bob

    struct Setup {
        let simulator: BfxSimulator
        let market: BfxClient
        let shared: SharedUserDataTransport
        let client: UserDataClient
        let nonces: NonceManager
        let rest: BfxRESTClient
        let bobREST: BfxRESTClient
        let recorder = EventRecorder()

        /// `reconnectDelay`: the pool's fixed reconnect delay (a window for offline activity).
        static func make(reconnectDelay: Duration = .milliseconds(20)) async throws -> Setup {
            var configuration = SimulatorConfiguration()
            configuration.tickMode = .manual
            configuration.apiKeys = [
                .init(key: alice.apiKey, secret: "alice-secret", userId: 1),
                .init(key: bob.apiKey, secret: "bob-secret", userId: 2),
            ]
            var logger = Logger(label: "test.sim")
            logger.logLevel = .warning
            let simulator = try await BfxSimulator.start(configuration, logger: logger)
            var clientConfiguration = WS.configuration(for: simulator)
            clientConfiguration.reconnect = ReconnectPolicy(initialDelay: reconnectDelay, multiplier: 1, maxDelay: reconnectDelay,
                                                            jitter: .none)
            clientConfiguration.authenticatedRateLimit = ConnectionRateLimit(maxConnections: 100, window: .seconds(1))
            let market = try WS.client(clientConfiguration)
            let shared = try SharedUserDataTransport(client: market)
            let base = "http://127.0.0.1:\(simulator.port)"
            let nonces = NonceManager()
            let rest = BfxRESTClient(configuration: .singleHost(base), credentials: alice, nonceManager: nonces)
            let bobREST = BfxRESTClient(configuration: .singleHost(base), credentials: bob, nonceManager: nonces)
            let client = UserDataClient(
                credentials: alice,
                configuration: UserDataConfiguration(requestTimeout: .seconds(5), snapshotTimeout: .seconds(2), sharing: .shared),
                transport: shared, nonceManager: nonces, reconciliation: RESTReconciliationSource(rest))
            let setup = Setup(simulator: simulator, market: market, shared: shared, client: client, nonces: nonces,
                              rest: rest, bobREST: bobREST)
            let recorder = setup.recorder
            await client.addEventHandler { recorder.record($0) }
            return setup
        }

        func shutdown() async {
            await client.stop()
            await market.shutdown()
            await simulator.shutdown()
        }
    }

    /// Counts a subscription's events by kind (a consumer task reading its stream).
    final class Tally: Sendable {
        let counts = Mutex<[String: Int]>([:])
        func add(_ kind: String) { counts.withLock { $0[kind, default: 0] += 1 } }
        func count(_ kind: String) -> Int { counts.withLock { $0[kind] ?? 0 } }
    }

    static func consume(_ subscription: Subscription, into tally: Tally) -> Task<Void, Never> {
        subscription.onEvent { event in
            switch event {
            case let .subscribed(_, _, resubscribed): tally.add(resubscribed ? "resubscribed" : "subscribed")
            case .ticker: tally.add("ticker")
            case .tradeSnapshot, .trade: tally.add("trades")
            case .book: tally.add("book")
            default: break
            }
        }
    }

    @Test func marketDataAndAccountShareOneConnectionAndSurviveADrop() async throws {
        let s = try await Setup.make(reconnectDelay: .milliseconds(1_500))
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let ticker = try await s.market.subscribe(.ticker("tBTCUSD"))
        let trades = try await s.market.subscribe(.trades("tBTCUSD"))
        let book = try await s.market.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
        let tallies = [Tally(), Tally(), Tally()]
        let consumers = zip([ticker, trades, book], tallies).map { Self.consume($0.0, into: $0.1) }
        defer { consumers.forEach { $0.cancel() } }
        #expect(await WS.eventually { [ticker, trades, book].allSatisfy(\.isLive) })
        await s.simulator.step(3)
        #expect(await WS.eventually { tallies[0].count("ticker") > 0 && tallies[1].count("trades") > 0 && tallies[2].count("book") > 0 })

        // One socket in the pool and at the simulator, carrying both kinds of traffic.
        #expect(s.market.connectionCount == 1)
        #expect(await s.simulator.stats().connections == 1)
        let snapshot = await s.market.snapshot()
        #expect(Set(snapshot.channels.map(\.connection)) == [s.shared.connection.id])
        let price = try #require(await UserDataSimulatorTests.insidePrice(s.simulator), "no room inside the spread")
        let resting = try await s.client.submit(UserDataSimulatorTests.order(501, amount: "0.02", price: price))
        #expect(resting.status == "ACTIVE")
        #expect(await s.client.accountState.orders[resting.id] != nil)

        // Drop: Bob fills Alice's resting bid while the shared socket waits to reconnect.
        await s.simulator.inject(.dropAll)
        try await s.recorder.wait { $0.isDisconnected }
        let fill = try await s.bobREST.submitOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: "-0.02", price: "\(price)")
        #expect(fill.isSuccess)
        try await s.recorder.wait { $0.isReconnectReady }
        let report = try #require(s.recorder.events.compactMap(\.offlineReport).first)
        #expect(report.closedOrders.map(\.lastKnown.id) == [resting.id])
        #expect(report.closedOrders.first?.outcome == .filled)
        #expect(await s.client.accountState.orders.isEmpty)

        // Re-auth with a fresh, larger nonce; public channels resubscribed on the same socket.
        let ok = await s.client.status.authAttempts.filter { $0.outcome == "OK" }.map(\.nonce)
        #expect(ok.count == 2)
        #expect(ok == ok.sorted() && Set(ok).count == 2)
        let accepted = await s.simulator.acceptedNonces(apiKey: Self.alice.apiKey)
        #expect(ok.allSatisfy { accepted.contains(Int64($0)) })
        #expect(await WS.eventually { tallies.allSatisfy { $0.count("resubscribed") == 1 } })
        #expect(await WS.eventually { [ticker, trades, book].allSatisfy(\.isLive) })
        #expect(s.market.connectionCount == 1)
        #expect(await s.simulator.stats().connections == 1)

        // Inputs still flow on the re-authenticated socket.
        let again = try await s.client.submit(UserDataSimulatorTests.order(502, amount: "0.01", price: price - 20))
        #expect(again.cid == 502)
        _ = try await s.client.cancel(.id(again.id))
        #expect(try await s.rest.orders().isEmpty)
        await s.shutdown()
    }

    @Test func inputsDuringSharedOutageAreSentOnceAfterReauth() async throws {
        let s = try await Setup.make(reconnectDelay: .seconds(1))
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let price = try #require(await UserDataSimulatorTests.insidePrice(s.simulator), "no room inside the spread")
        await s.simulator.inject(.dropAll)
        try await s.recorder.wait { $0.isDisconnected }
        let order = try await s.client.submit(UserDataSimulatorTests.order(601, amount: "0.01", price: price - 5))
        #expect(order.cid == 601)
        #expect(try await s.rest.orders().filter { $0.cid == 601 }.count == 1)
        try await s.recorder.wait { if case .outageBufferFlushed(1, 0, 0) = $0 { true } else { false } }
        await s.shutdown()
    }

    @Test func nonceRejectionOnSharedAuthIsRetriedOnTheNextSocket() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        await s.simulator.inject(.rejectNextNonce(apiKey: Self.alice.apiKey))
        try await s.client.start()
        let attempts = await s.client.status.authAttempts
        #expect(attempts.first?.outcome.contains("nonceTooSmall") == true)
        #expect(attempts.last?.outcome == "OK")
        let nonces = attempts.map(\.nonce)
        #expect(nonces == nonces.sorted() && Set(nonces).count == nonces.count)
        // The pool replaced the socket whose auth failed; still one socket in the end.
        #expect(await s.client.currentPhase == .ready)
        #expect(await WS.eventually { await s.simulator.stats().connections == 1 })
        #expect(s.market.connectionCount == 1)
        await s.shutdown()
    }

    @Test func stoppingTheUserDataClientClosesTheSharedConnection() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let ticker = try await s.market.subscribe(.ticker("tBTCUSD"))
        #expect(await WS.eventually { ticker.isLive })
        await s.client.stop()
        #expect(await s.client.currentPhase == .stopped)
        #expect(s.market.connectionCount == 0)
        #expect(await WS.eventually { await s.simulator.stats().connections == 0 })
        // A later subscription opens a public connection instead.
        let trades = try await s.market.subscribe(.trades("tBTCUSD"))
        #expect(await WS.eventually { trades.isLive })
        #expect(s.market.connectionCount == 1)
        await s.shutdown()
    }

    @Test func mismatchedSharingIsRefusedAtStart() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        let separate = UserDataClient(credentials: Self.alice, configuration: UserDataConfiguration(sharing: .separate),
                                      transport: s.shared, nonceManager: s.nonces)
        await #expect(throws: UserDataError.self) { try await separate.start() }
        await s.shutdown()
    }
}
