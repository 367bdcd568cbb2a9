import BfxNonce
import BfxProtocol
import BfxSimulator
import BfxTestSupport
import Foundation
import Logging
import Testing
@testable import BfxClient

/// The real client against the simulator emitting each variant of a point the protocol reference
/// leaves UNVERIFIED or in CONFLICT (docs/protocol.md, "Points the sources do not settle";
/// docs/adr/0028). The default variant of each point is covered by the existing integration
/// suites; these run the other ones.
extension WebSocketIntegrationTests {
    @Suite(.serialized, .timeLimit(.minutes(2))) struct ProtocolVariantTests {
        static func simulator(_ change: (inout ProtocolVariants) -> Void) async throws -> BfxSimulator {
            var configuration = SimulatorConfiguration()
            configuration.tickMode = .manual
            configuration.heartbeatInterval = .milliseconds(500)
            change(&configuration.variants)
            var logger = Logger(label: "test.sim")
            logger.logLevel = .warning
            return try await BfxSimulator.start(configuration, logger: logger)
        }

        static func retryClient(_ simulator: BfxSimulator, maxAttempts: Int = 5) throws -> BfxClient {
            var configuration = WS.configuration(for: simulator)
            configuration.subscribeRetry = ReconnectPolicy(initialDelay: .milliseconds(20), multiplier: 2, maxDelay: .milliseconds(100),
                                                           jitter: .none, maxAttempts: maxAttempts)
            return try WS.client(configuration)
        }

        /// Subscribes a P0 book, an R0 book and a ticker and waits until the books equal the
        /// simulator's (checksums verified on every tick).
        static func booksConverge(_ simulator: BfxSimulator) async throws -> Bool {
            let client = try WS.client(WS.configuration(for: simulator))
            let book = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
            let raw = try await client.subscribe(.rawBook("tETHUSD", length: 25))
            let ticker = try await client.subscribe(.ticker("tXRPBTC"))
            let converged = await WS.converge([book, raw, ticker], simulator)
            let mismatches = client.environment.integrityCounters.checksumMismatches
            await client.shutdown()
            return converged && mismatches == 0
        }

        @Test(arguments: [ProtocolVariants.SubIdEcho.string, .number])
        func subscribedEchoesSubIdAsStringOrNumber(echo: ProtocolVariants.SubIdEcho) async throws {
            let simulator = try await Self.simulator { $0.subId = echo }
            #expect(try await Self.booksConverge(simulator))
            await simulator.shutdown()
        }

        @Test func subscribeErrorWithoutEchoedFieldsIsMatchedToThePendingSubscription() async throws {
            let simulator = try await Self.simulator { $0.errorEcho = .none }
            let client = try Self.retryClient(simulator)
            let ticker = try await client.subscribe(.ticker("tETHUSD"))
            #expect(await eventually { ticker.isLive })
            await simulator.inject(.rejectSubscribe(code: 11000, count: 2))
            let book = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
            #expect(await WS.converge([book, ticker], simulator))
            let channel = try #require(await client.snapshot().channels.first { $0.channel.isBook })
            // Two errors without subId were attributed to the book's subscribe and retried.
            #expect(channel.subscribeRequests == 3)
            #expect(client.environment.integrityCounters.subscribeRetries == 2)
            await client.shutdown()
            await simulator.shutdown()
        }

        @Test func fatalSubscribeErrorWithoutEchoedFieldsFailsTheSubscription() async throws {
            let simulator = try await Self.simulator { $0.errorEcho = .none }
            let client = try Self.retryClient(simulator)
            await simulator.inject(.rejectSubscribe(code: 10001, count: 1))
            let book = try await client.subscribe(.book("tBTCUSD"))
            let recorder = WS.Recorder(book)
            #expect(await eventually { recorder.state.mutex.withLock { $0.failed != nil } })
            #expect(recorder.state.mutex.withLock { $0.failed }?.code == 10001)
            recorder.cancel()
            await client.shutdown()
            await simulator.shutdown()
        }

        /// A resync's `unsubscribe` refused by an error without `chanId`: matched to the one
        /// channel awaiting `unsubscribed`, retried, and the book recovers on the same socket.
        @Test func unsubscribeErrorWithoutEchoedFieldsIsMatchedToThePendingResync() async throws {
            let simulator = try await Self.simulator { $0.errorEcho = .none }
            let client = try Self.retryClient(simulator)
            let book = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
            #expect(await WS.converge([book], simulator))
            await simulator.inject(.rejectUnsubscribe(code: 11000, count: 2))
            await simulator.inject(.corruptNextChecksum(connection: nil))
            await simulator.step(3)
            #expect(await eventually { client.environment.integrityCounters.checksumMismatches == 1 })
            #expect(await WS.converge([book], simulator))
            let channel = try #require(await client.snapshot().channels.first)
            #expect(channel.resyncs == 1)
            #expect(channel.subscribeRequests == 2)
            #expect(await client.snapshot().connections.allSatisfy { $0.opens == 1 })
            await client.shutdown()
            await simulator.shutdown()
        }

        @Test func confMergeSemanticsKeepsBooksAndChecksumsRight() async throws {
            let simulator = try await Self.simulator { $0.conf = .merge }
            #expect(try await Self.booksConverge(simulator))
            await simulator.shutdown()
        }

        /// Channel limit 25 (current ws-public page) vs 30: with its default of 25 per connection
        /// the client spreads 28 channels over connections a 25-channel server accepts.
        @Test func twentyFiveChannelServerLimitIsRespected() async throws {
            var configuration = SimulatorConfiguration()
            configuration.tickMode = .manual
            configuration.maxChannelsPerConnection = 25
            let simulator = try await BfxSimulator.start(configuration)
            let client = try WS.client(WS.configuration(for: simulator))
            var subscriptions: [Subscription] = []
            for symbol in ["tBTCUSD", "tETHUSD", "tXRPBTC", "tETHBTC"] {
                for spec: ChannelSpec in [.ticker(symbol), .trades(symbol), .book(symbol, precision: .p0, length: 25),
                                          .book(symbol, precision: .p1, length: 25), .book(symbol, precision: .p2, length: 25),
                                          .book(symbol, precision: .p3, length: 25), .rawBook(symbol, length: 25)] {
                    subscriptions.append(try await client.subscribe(spec))
                }
            }
            #expect(subscriptions.count == 28)
            #expect(await eventually(timeout: .seconds(20)) { subscriptions.allSatisfy(\.isLive) })
            let failed = await client.snapshot().channels.filter { $0.phase != "live" }
            #expect(failed.isEmpty)
            await client.shutdown()
            await simulator.shutdown()
        }

        /// R0 equal prices in another order than Node's ascending id (§4.4, UNVERIFIED): a
        /// descending-id server is recognised from the first snapshot (no mismatch at all); a
        /// time-priority server (a resized order goes behind the others at its price) is learnt
        /// from the snapshots of at most two resyncs per book, then every checksum matches.
        @Test(arguments: [ProtocolVariants.RawTies.descendingID, .time])
        func rawBooksFollowTheServersOrderOfEqualPrices(ties: ProtocolVariants.RawTies) async throws {
            let simulator = try await Self.simulator { $0.rawTies = ties }
            let client = try WS.client(WS.configuration(for: simulator))
            let symbols = ["tBTCUSD", "tETHUSD", "tXRPBTC", "tETHBTC"]
            var raws: [Subscription] = []
            for symbol in symbols { raws.append(try await client.subscribe(.rawBook(symbol, length: 25))) }
            #expect(await WS.converge(raws, simulator))
            // equal prices in the top 25 (without them the test could not fail)
            var equalPrices = 0
            for symbol in symbols {
                guard let book = await simulator.book(symbol: symbol, prec: "R0", len: 25) else { continue }
                for side in [book.bids, book.asks] where side.count > 1 {
                    equalPrices += zip(side, side.dropFirst()).filter { $0.price == $1.price }.count
                }
            }
            #expect(equalPrices > 0)
            for _ in 0..<400 { await simulator.step(1) }
            #expect(await WS.converge(raws, simulator))
            let learnt = client.environment.integrityCounters.checksumMismatches
            let orders = raws.compactMap { $0.currentBook()?.rawTieOrder }
            for _ in 0..<200 { await simulator.step(1) }
            #expect(await WS.converge(raws, simulator))
            let mismatches = client.environment.integrityCounters.checksumMismatches
            let verified = await client.snapshot().channels.reduce(0) { $0 + $1.checksumsVerified }
            #expect(verified > 100, "checksums were compared: \(verified)")
            switch ties {
            case .descendingID:
                #expect(mismatches == 0, "recognised from the first snapshot")
                #expect(orders.contains(.descendingID) && !orders.contains(.arrival), "\(orders)")
            default:
                #expect(learnt <= 2 * raws.count, "learnt within two resyncs per book: \(learnt) mismatches")
                if orders.allSatisfy({ $0 == .arrival }) {
                    #expect(mismatches == learnt, "no mismatch once learnt (\(learnt) before, \(mismatches) after)")
                }
                #expect(orders.contains(.arrival), "\(orders)")
            }
            await client.shutdown()
            await simulator.shutdown()
        }

        /// Funding P levels keyed by rate and period (ADR 0005, UNVERIFIED): the client sees two
        /// levels of one rate in the snapshot, keys its levels the same way, follows each side's
        /// period order, and its books match the server's with every checksum.
        @Test func fundingLevelsKeyedByRateAndPeriodAreFollowed() async throws {
            let simulator = try await Self.simulator { $0.fundingLevels = .ratePeriod }
            let client = try WS.client(WS.configuration(for: simulator))
            var books: [Subscription] = []
            for symbol in ["fUSD", "fBTC"] {
                for precision: ChannelSpec.Precision in [.p0, .p1] { books.append(try await client.subscribe(.book(symbol, precision: precision, length: 25))) }
            }
            #expect(await WS.converge(books, simulator))
            var shared = 0
            for symbol in ["fUSD", "fBTC"] {
                guard let book = await simulator.book(symbol: symbol, prec: "P0", len: 25) else { continue }
                for side in [book.bids, book.asks] where side.count > 1 {
                    shared += zip(side, side.dropFirst()).filter { $0.price == $1.price }.count
                }
            }
            #expect(shared > 0, "the simulator's books have rates with several periods")
            #expect(books.allSatisfy { $0.currentBook()?.fundingLevelKey == .ratePeriod })
            for _ in 0..<300 { await simulator.step(1) }
            #expect(await WS.converge(books, simulator))
            let counters = client.environment.integrityCounters
            #expect(counters.checksumMismatches + counters.checksumMismatchesObserved == 0)
            #expect(await client.snapshot().channels.reduce(0) { $0 + $1.checksumsVerified } > 100)
            await client.shutdown()
            await simulator.shutdown()
        }

        /// The funding ticker in the Node models' field order (SIZE before PERIOD, §3.2 CONFLICT):
        /// recognised, every ticker delivered with whole-day periods and the sizes in place.
        @Test func fundingTickerInNodeFieldOrderIsRecognised() async throws {
            let simulator = try await Self.simulator { $0.fundingTicker = .node }
            let client = try WS.client(WS.configuration(for: simulator))
            let ticker = try await client.subscribe(.ticker("fUSD"))
            let received = Locked<[FundingTicker]>([])
            let reader = Task {
                for await event in ticker.events {
                    if case .fundingTicker(let t) = event { received.withLock { $0.append(t) } }
                }
            }
            #expect(await eventually { ticker.isLive })
            // bounded: 400 ticks at most, until five tickers arrived
            for _ in 0..<400 where received.withLock({ $0.count }) < 5 {
                await simulator.step(1)
                _ = await eventually(timeout: .milliseconds(50), every: .milliseconds(2)) { received.withLock { $0.count } >= 5 }
            }
            #expect(received.withLock { $0.count } >= 5)
            let tickers = received.withLock { $0 }
            let periods: Set<Int64> = [2, 3, 4, 5, 7, 10, 14, 15, 20, 30]
            #expect(tickers.allSatisfy { periods.contains($0.bidPeriod) && periods.contains($0.askPeriod) }, "\(tickers.prefix(3))")
            #expect(tickers.allSatisfy { $0.bidSize.int64 == nil || $0.bidSize.int64! > 120 }, "sizes are not periods")
            #expect(client.environment.integrityCounters.malformedFrames == 0)
            reader.cancel()
            await client.shutdown()
            await simulator.shutdown()
        }

        @Test func bookUpdatesBatchedWithoutTheBulkFlagAreAppliedAsUpdates() async throws {
            let simulator = try await Self.simulator { $0.bulkUpdates = .always }
            #expect(try await Self.booksConverge(simulator))
            await simulator.shutdown()
        }
    }
}

/// The user-data and REST clients against the simulator emitting each variant of the auth and
/// notification shapes (docs/adr/0028).
@Suite(.serialized, .timeLimit(.minutes(1))) struct UserDataProtocolVariantTests {
    static let alice = BfxCredentials(apiKey: "alice-key", secret: "alice-secret")

    struct Setup {
        let simulator: BfxSimulator
        let rest: BfxRESTClient
        let client: UserDataClient

        static func make(credentials: BfxCredentials = alice, _ change: (inout ProtocolVariants) -> Void) async throws -> Setup {
            var configuration = SimulatorConfiguration()
            configuration.tickMode = .manual
            configuration.apiKeys = [.init(key: alice.apiKey, secret: "alice-secret", userId: 1)]
            change(&configuration.variants)
            let simulator = try await BfxSimulator.start(configuration)
            let nonces = NonceManager()
            let rest = BfxRESTClient(configuration: .singleHost("http://127.0.0.1:\(simulator.port)"), credentials: credentials,
                                     nonceManager: nonces)
            let transport = try WebSocketUserDataTransport(
                url: "ws://127.0.0.1:\(simulator.port)/ws/2",
                rateLimit: ConnectionRateLimit(maxConnections: 100, window: .seconds(1)))
            let client = UserDataClient(
                credentials: credentials,
                configuration: UserDataConfiguration(
                    requestTimeout: .seconds(5), snapshotTimeout: .seconds(2),
                    reconnect: ReconnectPolicy(initialDelay: .milliseconds(20), maxDelay: .milliseconds(100), jitter: .none, maxAttempts: 2),
                    jitterSeed: 7),
                transport: transport, nonceManager: nonces, reconciliation: RESTReconciliationSource(rest))
            return Setup(simulator: simulator, rest: rest, client: client)
        }

        func shutdown() async {
            await client.stop()
            await simulator.shutdown()
        }
    }

    static func order(_ cid: Int64, _ simulator: BfxSimulator) async throws -> NewOrder {
        let price = try #require(await UserDataSimulatorTests.insidePrice(simulator), "simulator book has no room inside the spread")
        return UserDataSimulatorTests.order(cid, amount: "0.01", price: price)
    }

    @Test func authCapsAsJSONStringAuthenticates() async throws {
        let s = try await Setup.make { $0.authCaps = .string }
        try await s.client.start()
        let order = try await s.client.submit(try await Self.order(11, s.simulator))
        #expect(order.cid == 11)
        await s.shutdown()
    }

    @Test(arguments: [ProtocolVariants.AuthFailureStatus.failed, .fail])
    func authFailureStatusFailedOrFailIsAFailure(status: ProtocolVariants.AuthFailureStatus) async throws {
        let wrong = BfxCredentials(apiKey: Self.alice.apiKey, secret: "not-the-secret")
        let s = try await Setup.make(credentials: wrong) { $0.authFailureStatus = status }
        do {
            try await s.client.start()
            Issue.record("authentication with a wrong secret succeeded")
        } catch let UserDataError.authenticationFailed(_, code, _) {
            #expect(code == 10100)
        }
        await s.shutdown()
    }

    /// `on-req`/`ou-req`/`oc-req` with NOTIFY_INFO as an array of rows: submit, update, cancel
    /// resolve, and a refused submit (order id null) is still correlated by cid.
    @Test func orderNotificationsWithArrayOfRowsResolveRequests() async throws {
        let s = try await Setup.make { $0.wsNotifyInfo = .rows }
        try await s.client.start()
        let new = try await Self.order(21, s.simulator)
        let order = try await s.client.submit(new)
        #expect(order.cid == 21)
        let price = try #require(new.price?.decimal)
        let updated = try await s.client.update(OrderUpdate(id: order.id, price: WireNumber("\(price - 1)")))
        #expect(updated.price?.decimal == price - 1)
        let cancelled = try await s.client.cancel(.id(order.id))
        #expect(cancelled.id == order.id)
        do {
            _ = try await s.client.submit(NewOrder(type: "EXCHANGE LIMIT", symbol: "tNOPEUSD", amount: UD.n("1"), price: UD.n("1"), cid: 22))
            Issue.record("submit on an unknown symbol succeeded")
        } catch let UserDataError.requestRejected(request, status, _, text) {
            #expect(request == .submit)
            #expect(status != "SUCCESS")
            #expect(!text.isEmpty)
        }
        await s.shutdown()
    }

    @Test(arguments: [ProtocolVariants.NotifyInfo.row, .rows])
    func restSubmitAnswerWithOneRowOrArrayOfRows(shape: ProtocolVariants.NotifyInfo) async throws {
        let s = try await Setup.make { $0.restNotifyInfo = shape }
        let price = try #require(await UserDataSimulatorTests.insidePrice(s.simulator))
        let notification = try await s.rest.submitOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: "0.01", price: "\(price)", cid: 31)
        #expect(notification.isSuccess)
        #expect(notification.orderCID == 31)
        switch shape {
        case .row:
            guard case .order(let o) = notification.info else { Issue.record("expected one row, got \(notification.info)"); break }
            #expect(o.cid == 31)
        case .rows:
            guard case .orders(let os) = notification.info else { Issue.record("expected rows, got \(notification.info)"); break }
            #expect(os.map(\.cid) == [31])
        }
        await s.shutdown()
    }
}
