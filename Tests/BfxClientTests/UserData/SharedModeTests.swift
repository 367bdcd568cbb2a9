import BfxTestSupport
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
        /// `maxAttempts`: the pool's give-up limit (nil: retry forever).
        static func make(reconnectDelay: Duration = .milliseconds(20), maxAttempts: Int? = nil) async throws -> Setup {
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
                                                            jitter: .none, maxAttempts: maxAttempts)
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
        #expect(await eventually { [ticker, trades, book].allSatisfy(\.isLive) })
        await s.simulator.step(3)
        #expect(await eventually { tallies[0].count("ticker") > 0 && tallies[1].count("trades") > 0 && tallies[2].count("book") > 0 })

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
        #expect(await eventually { tallies.allSatisfy { $0.count("resubscribed") == 1 } })
        #expect(await eventually { [ticker, trades, book].allSatisfy(\.isLive) })
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
        #expect(await eventually { await s.simulator.stats().connections == 1 })
        #expect(s.market.connectionCount == 1)
        await s.shutdown()
    }

    @Test func stoppingTheUserDataClientClosesTheSharedConnection() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let ticker = try await s.market.subscribe(.ticker("tBTCUSD"))
        #expect(await eventually { ticker.isLive })
        await s.client.stop()
        #expect(await s.client.currentPhase == .stopped)
        #expect(s.market.connectionCount == 0)
        #expect(await eventually { await s.simulator.stats().connections == 0 })
        // A later subscription opens a public connection instead.
        let trades = try await s.market.subscribe(.trades("tBTCUSD"))
        #expect(await eventually { trades.isLive })
        #expect(s.market.connectionCount == 1)
        await s.shutdown()
    }

    /// A maintenance window (20060 … 20061) on the shared socket: no reconnect, the user-data
    /// client reports both codes and holds inputs, the pool resubscribes the public channels
    /// after 20061, and the input held meanwhile reaches the exchange exactly once.
    @Test func sharedConnectionSurvivesAMaintenanceWindow() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let ticker = try await s.market.subscribe(.ticker("tBTCUSD"))
        let tally = Tally()
        let consumer = Self.consume(ticker, into: tally)
        defer { consumer.cancel() }
        #expect(await eventually { ticker.isLive })
        let price = try #require(await UserDataSimulatorTests.insidePrice(s.simulator), "no room inside the spread")
        let before = try await s.client.submit(UserDataSimulatorTests.order(701, amount: "0.01", price: price - 5))

        await s.simulator.inject(.maintenance(duration: .seconds(3)))
        try await s.recorder.wait { if case .serverInfo(20060, _) = $0 { true } else { false } }
        #expect(await eventually { !ticker.isLive })
        let held = Task { try await s.client.submit(UserDataSimulatorTests.order(702, amount: "0.01", price: price - 6)) }
        #expect(await eventually { await s.client.status.bufferedInputs == 1 })
        // Held, not sent: the exchange is still in maintenance and has not seen it.
        #expect(await s.simulator.stats().maintenance)
        #expect(await s.client.currentPhase == .ready)

        try await s.recorder.wait { if case .serverInfo(20061, _) = $0 { true } else { false } }
        let placed = try await held.value
        #expect(placed.cid == 702)
        try await s.recorder.wait { if case .outageBufferFlushed(1, 0, 0) = $0 { true } else { false } }
        #expect(await eventually { tally.count("resubscribed") == 1 && ticker.isLive })

        // Exactly once at the exchange; the account matches it; same socket, one auth.
        let open = try await s.rest.orders()
        #expect(open.filter { $0.cid == 702 }.count == 1)
        #expect(open.filter { $0.cid == 701 }.map(\.id) == [before.id])
        #expect(Set(await s.client.accountState.orders.keys) == Set(open.map(\.id)))
        #expect(await s.client.status.authAttempts.count == 1)
        #expect(!s.recorder.events.contains { if case .disconnected = $0 { true } else { false } })
        #expect(await s.simulator.stats().connections == 1)
        #expect(s.market.connectionCount == 1)
        await s.shutdown()
    }

    static func isStopped(_ event: UserDataEvent, _ error: UserDataError) -> Bool {
        if case .stopped(error) = event { true } else { false }
    }

    /// The pool's reconnect policy gives up on the shared socket: the user-data client stops as
    /// separate mode does on give-up (typed error, buffered input failed, phase `stopped`)
    /// instead of waiting for a socket that never comes.
    @Test func sharedClientStopsWhenThePoolGivesUp() async throws {
        let s = try await Setup.make(reconnectDelay: .seconds(1), maxAttempts: 2)
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let price = try #require(await UserDataSimulatorTests.insidePrice(s.simulator), "no room inside the spread")
        await s.simulator.inject(.refuseConnections(duration: .seconds(30)))
        await s.simulator.inject(.dropAll)
        try await s.recorder.wait { $0.isDisconnected }
        let held = Task { try await s.client.submit(UserDataSimulatorTests.order(901, amount: "0.01", price: price - 5)) }
        #expect(await eventually { await s.client.status.bufferedInputs == 1 })

        try await s.recorder.wait { Self.isStopped($0, .notConnected) }
        await #expect(throws: UserDataError.notConnected) { try await held.value }
        #expect(await s.client.currentPhase == .stopped)
        #expect(await s.client.status.fatalError == .notConnected)
        #expect(await s.client.status.bufferedInputs == 0)
        await #expect(throws: UserDataError.closed) {
            try await s.client.submit(UserDataSimulatorTests.order(902, amount: "0.01", price: price - 6))
        }
        // The given-up shared slot left the pool.
        #expect(await eventually { s.market.connectionCount == 0 })
        await s.simulator.inject(.clear)
        await s.shutdown()
    }

    /// `BfxClient.shutdown()` ends the shared connection: the user-data client stops with
    /// ``UserDataError/closed`` and fails what it was holding.
    @Test func sharedClientStopsWhenTheBfxClientShutsDown() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let price = try #require(await UserDataSimulatorTests.insidePrice(s.simulator), "no room inside the spread")
        // Maintenance makes the client hold the next input in its outage buffer.
        await s.simulator.inject(.maintenance(duration: .seconds(5)))
        try await s.recorder.wait { if case .serverInfo(20060, _) = $0 { true } else { false } }
        let held = Task { try await s.client.submit(UserDataSimulatorTests.order(911, amount: "0.01", price: price - 5)) }
        #expect(await eventually { await s.client.status.bufferedInputs == 1 })

        await s.market.shutdown()
        try await s.recorder.wait { Self.isStopped($0, .closed) }
        await #expect(throws: UserDataError.closed) { try await held.value }
        #expect(await s.client.currentPhase == .stopped)
        #expect(await eventually { await s.simulator.stats().connections == 0 })
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
