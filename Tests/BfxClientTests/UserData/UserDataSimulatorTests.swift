import BfxNonce
import BfxProtocol
import BfxSimulator
import Foundation
import Synchronization
import Testing
@testable import BfxClient

/// Integration: the real client, NIO WebSocket transport and REST client against the embedded
/// simulator on an ephemeral loopback port.
@Suite(.serialized, .timeLimit(.minutes(1))) struct UserDataSimulatorTests {
    static let alice = BfxCredentials(apiKey: "alice-key", secret: "alice-secret")
    static let bob = BfxCredentials(apiKey: "bob-key", secret: "bob-secret")

    struct Setup {
        let simulator: BfxSimulator
        let nonces: NonceManager
        let rest: BfxRESTClient
        let bobREST: BfxRESTClient
        let gate: GatedTransport
        let client: UserDataClient
        let recorder = EventRecorder()

        static func make() async throws -> Setup {
            var configuration = SimulatorConfiguration()
            configuration.tickMode = .manual
            configuration.apiKeys = [
                .init(key: alice.apiKey, secret: "alice-secret", userId: 1),
                .init(key: bob.apiKey, secret: "bob-secret", userId: 2),
            ]
            let simulator = try await BfxSimulator.start(configuration)
            let base = "http://127.0.0.1:\(simulator.port)"
            let nonces = NonceManager()
            let rest = BfxRESTClient(configuration: .singleHost(base), credentials: alice, nonceManager: nonces)
            let bobREST = BfxRESTClient(configuration: .singleHost(base), credentials: bob, nonceManager: nonces)
            let gate = GatedTransport(try WebSocketUserDataTransport(
                url: "ws://127.0.0.1:\(simulator.port)/ws/2",
                rateLimit: ConnectionRateLimit(maxConnections: 100, window: .seconds(1))))
            let client = UserDataClient(
                credentials: alice,
                configuration: UserDataConfiguration(
                    requestTimeout: .seconds(5), snapshotTimeout: .seconds(2),
                    reconnect: ReconnectPolicy(initialDelay: .milliseconds(20), maxDelay: .milliseconds(100), jitter: .none),
                    jitterSeed: 7),
                transport: gate, nonceManager: nonces, reconciliation: RESTReconciliationSource(rest))
            let setup = Setup(simulator: simulator, nonces: nonces, rest: rest, bobREST: bobREST, gate: gate, client: client)
            let recorder = setup.recorder
            await client.addEventHandler { recorder.record($0) }
            return setup
        }

        func shutdown() async {
            await client.stop()
            await simulator.shutdown()
        }

        /// A buy price strictly inside the spread (so the order rests as best bid), or nil.
        func insidePrice(_ symbol: String = "tBTCUSD") async -> Decimal? {
            await UserDataSimulatorTests.insidePrice(simulator, symbol)
        }
    }

    /// A buy price strictly inside the spread of `simulator`'s book, or nil.
    static func insidePrice(_ simulator: BfxSimulator, _ symbol: String = "tBTCUSD") async -> Decimal? {
        guard let book = await simulator.book(symbol: symbol),
              let bid = book.bids.first.flatMap({ Decimal(string: $0.price) }),
              let ask = book.asks.first.flatMap({ Decimal(string: $0.price) }) else { return nil }
        var mid = (bid + ask) / 2
        var rounded = Decimal()
        NSDecimalRound(&rounded, &mid, 0, .down)
        return rounded > bid && rounded < ask ? rounded : nil
    }

    static func order(_ cid: Int64, amount: String, price: Decimal) -> NewOrder {
        NewOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: UD.n(amount),
                 price: WireNumber("\(price)"), cid: cid)
    }

    @Test func roundTripsSucceedAndFailWithServerText() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let price = try #require(await s.insidePrice(), "simulator book has no room inside the spread")
        let order = try await s.client.submit(Self.order(101, amount: "0.01", price: price))
        #expect(order.cid == 101)
        #expect(order.status == "ACTIVE")

        let updated = try await s.client.update(OrderUpdate(id: order.id, price: WireNumber("\(price - 1)")))
        #expect(updated.price?.decimal == price - 1)

        let cancelled = try await s.client.cancel(.id(order.id))
        #expect(cancelled.id == order.id)
        #expect(cancelled.status?.hasPrefix("CANCELED") == true)
        #expect(await s.client.accountState.orders.isEmpty)

        // Failures: each is a typed rejection carrying the simulator's text.
        do {
            _ = try await s.client.submit(NewOrder(type: "EXCHANGE LIMIT", symbol: "tNOPEUSD", amount: UD.n("1"), price: UD.n("1"), cid: 102))
            Issue.record("submit on an unknown symbol succeeded")
        } catch let UserDataError.requestRejected(request, status, _, text) {
            #expect(request == .submit)
            #expect(status != "SUCCESS")
            #expect(!text.isEmpty)
        }
        do {
            _ = try await s.client.update(OrderUpdate(id: 987_654, price: UD.n("1")))
            Issue.record("update of an unknown order succeeded")
        } catch let UserDataError.requestRejected(request, _, _, text) {
            #expect(request == .update)
            #expect(!text.isEmpty)
        }
        do {
            _ = try await s.client.cancel(.id(987_654))
            Issue.record("cancel of an unknown order succeeded")
        } catch let UserDataError.requestRejected(request, _, _, text) {
            #expect(request == .cancel)
            #expect(!text.isEmpty)
        }
        await s.shutdown()
    }

    @Test func fillWhileDisconnectedIsReportedAndStateMatchesSimulator() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let price = try #require(await s.insidePrice(), "simulator book has no room inside the spread")
        let resting = try await s.client.submit(Self.order(201, amount: "0.02", price: price))

        s.gate.close()
        await s.simulator.inject(.dropAll)
        try await s.recorder.wait { $0.isDisconnected }
        // Bob sells into Alice's resting bid while Alice is offline.
        let fill = try await s.bobREST.submitOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: "-0.02", price: "\(price)")
        #expect(fill.isSuccess)
        #expect(try await s.rest.orders().isEmpty)
        s.gate.open()
        try await s.recorder.wait { $0.offlineReport != nil }
        try await s.recorder.wait { $0.isReconnectReady }

        let report = try #require(s.recorder.events.compactMap(\.offlineReport).first)
        #expect(report.closedOrders.map(\.lastKnown.id) == [resting.id])
        #expect(report.closedOrders.first?.outcome == .filled)
        #expect(report.trades.allSatisfy { $0.orderId == resting.id })
        #expect(report.trades.reduce(Decimal.zero) { $0 + $1.execAmount.decimal } == Decimal(string: "0.02"))
        #expect(Set(report.wallets.map(\.key.currency)) == ["BTC", "USD"])
        #expect(report.unavailableSources.isEmpty)

        // The client's account equals the simulator's (as its REST API reports it).
        let state = await s.client.accountState
        let serverOrders = try await s.rest.orders()
        #expect(state.orders.keys.sorted() == serverOrders.map(\.id).sorted())
        let serverWallets = try await s.rest.wallets()
        for wallet in serverWallets {
            #expect(state.wallet(type: wallet.walletType, currency: wallet.currency)?.balance.decimal == wallet.balance.decimal,
                    "wallet \(wallet.walletType):\(wallet.currency)")
        }
        #expect(state.wallets.count == serverWallets.count)
        await s.shutdown()
    }

    @Test func orderSubmittedDuringOutageIsSentExactlyOnce() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let price = try #require(await s.insidePrice(), "simulator book has no room inside the spread")
        s.gate.close()
        await s.simulator.inject(.dropAll)
        try await s.recorder.wait { $0.isDisconnected }
        let task = Task { try await s.client.submit(Self.order(301, amount: "0.01", price: price - 5)) }
        try await s.recorder.wait { $0.isReconnecting }
        // Bounded wait for the buffer to hold the input (the submit task runs concurrently).
        var polls = 0
        while await s.client.status.bufferedInputs < 1, polls < 100_000 {
            polls += 1
            await Task.yield()
        }
        #expect(await s.client.status.bufferedInputs == 1)
        s.gate.open()
        let order = try await task.value
        #expect(order.cid == 301)
        let onServer = try await s.rest.orders().filter { $0.cid == 301 }
        #expect(onServer.count == 1)
        try await s.recorder.wait { if case .outageBufferFlushed(1, 0, 0) = $0 { true } else { false } }
        await s.shutdown()
    }

    @Test func reauthAfterDropAnd20051UsesFreshLargerNonces() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        _ = try await s.rest.wallets()          // a REST call of the same key in between
        await s.simulator.inject(.dropAll)
        try await s.recorder.wait(count: 1) { $0.isReconnectReady }
        _ = try await s.rest.positions()
        await s.simulator.inject(.restart)
        try await s.recorder.wait(count: 2) { $0.isReconnectReady }
        let ok = await s.client.status.authAttempts.filter { $0.outcome == "OK" }.map(\.nonce)
        #expect(ok.count == 3)
        #expect(ok == ok.sorted() && Set(ok).count == 3)
        let accepted = await s.simulator.acceptedNonces(apiKey: Self.alice.apiKey)
        #expect(accepted == accepted.sorted())
        #expect(ok.allSatisfy { accepted.contains(Int64($0)) })
        #expect(s.recorder.events.contains { if case .serverInfo(20051, _) = $0 { true } else { false } })
        await s.shutdown()
    }

    @Test func injectedNonceRejectionOnAuthRecoversWithOneRetry() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        await s.simulator.inject(.rejectNextNonce(apiKey: Self.alice.apiKey))
        try await s.client.start()
        let attempts = await s.client.status.authAttempts
        #expect(attempts.count == 2)
        #expect(attempts.first?.outcome.contains("nonceTooSmall") == true)
        #expect(attempts.last?.outcome == "OK")
        if attempts.count == 2 { #expect(attempts[1].nonce > attempts[0].nonce) }
        #expect(s.gate.connects == 1)
        let snapshot = await s.nonces.snapshot()
        #expect(snapshot.keys.contains { $0.counters.retried == 1 })
        await s.shutdown()
    }

    @Test func fundingOfferAndBatchInputs() async throws {
        let s = try await Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let offer = try await s.client.submitFundingOffer(
            NewFundingOffer(symbol: "fUSD", amount: UD.n("100"), rate: UD.n("0.0002"), period: 2))
        #expect(offer.symbol == "fUSD")
        #expect(await s.client.accountState.fundingOffers[offer.id] != nil)
        let cancelled = try await s.client.cancelFundingOffer(id: offer.id)
        #expect(cancelled.id == offer.id)
        #expect(await s.client.accountState.fundingOffers.isEmpty)
        do {
            _ = try await s.client.submitFundingOffer(NewFundingOffer(symbol: "fUSD", amount: UD.n("100000000"), rate: UD.n("0.0002"), period: 2))
            Issue.record("oversized funding offer succeeded")
        } catch let UserDataError.requestRejected(request, _, _, text) {
            #expect(request == .fundingOffer)
            #expect(!text.isEmpty)
        }

        let price = try #require(await s.insidePrice(), "simulator book has no room inside the spread")
        let results = try await s.client.multi([.new(Self.order(401, amount: "0.01", price: price - 10)),
                                                .new(Self.order(402, amount: "0.01", price: price - 11))])
        let placed = results.compactMap { try? $0.get() }
        #expect(placed.map(\.cid) == [401, 402])
        let cancelledAll = try await s.client.cancelMulti(.ids(placed.map(\.id)))
        #expect(cancelledAll.compactMap { try? $0.get().id }.sorted() == placed.map(\.id).sorted())
        #expect(await s.client.accountState.orders.isEmpty)
        #expect(try await s.rest.orders().isEmpty)
        await s.shutdown()
    }
}
