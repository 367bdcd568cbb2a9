import BfxProtocol
import BfxSimulator
import Testing
@testable import BfxClient

/// Every simulator fault: detected, recovered, every subscription live again and every client
/// book equal to the simulator's book afterwards. Real client, real simulator, loopback.
extension WebSocketIntegrationTests {
@Suite(.serialized) struct WebSocketFaultTests {
    struct Fixture {
        let simulator: BfxSimulator
        let client: BfxClient
        let books: [Subscription]
        let trades: Subscription
        let ticker: Subscription
        let recorders: [WS.Recorder]

        static func make(configure: (inout BfxClientConfiguration) -> Void = { _ in }) async throws -> Fixture {
            let simulator = try await WS.simulator()
            var configuration = WS.configuration(for: simulator)
            configure(&configuration)
            let client = try WS.client(configuration)
            let books = [
                try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25)),
                try await client.subscribe(.book("tETHUSD", precision: .p1, frequency: .f0, length: 100)),
                try await client.subscribe(.rawBook("tXRPBTC", length: 25)),
            ]
            let trades = try await client.subscribe(.trades("tBTCUSD"))
            let ticker = try await client.subscribe(.ticker("tETHBTC"))
            let recorders = ([trades] + books).map(WS.Recorder.init)
            let fixture = Fixture(simulator: simulator, client: client, books: books, trades: trades, ticker: ticker, recorders: recorders)
            #expect(await fixture.converged(), "initial subscriptions did not converge")
            return fixture
        }

        var all: [Subscription] { books + [trades, ticker] }

        /// Steps the market and waits until every subscription is live and every book equals the
        /// simulator's.
        func converged(timeout: Duration = .seconds(20)) async -> Bool {
            await WS.converge(all, simulator, timeout: timeout)
        }

        func noDuplicateTrades() -> Bool {
            recorders[0].state.mutex.withLock { $0.duplicates == 0 && !$0.tradeIDs.isEmpty }
        }

        func tearDown() async {
            for r in recorders { r.cancel() }
            await client.shutdown()
            await simulator.shutdown()
        }
    }

    @Test func subscribesEveryChannelKindWithAllParameters() async throws {
        let f = try await Fixture.make()
        let candles = try await f.client.subscribe(.candles("trade:1m:tBTCUSD"))
        #expect(await eventually { candles.isLive })
        let snapshot = await f.client.snapshot()
        #expect(snapshot.connections.count == 1)
        #expect(snapshot.channels.count == 6)
        #expect(snapshot.channels.allSatisfy { $0.phase == "live" && $0.chanId != nil && $0.subscribeRequests == 1 })
        await f.simulator.step(20)
        #expect(await f.converged())
        #expect(await eventually { await f.client.snapshot().channels.filter(\.channel.isBook).allSatisfy { $0.checksumsVerified > 0 } })
        #expect(f.noDuplicateTrades())
        await f.tearDown()
    }

    @Test func dropOfAllConnectionsIsRecovered() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.dropAll)
        #expect(await eventually { await f.client.snapshot().connections.allSatisfy { $0.opens == 2 } })
        #expect(await f.converged())
        let channels = await f.client.snapshot().channels
        #expect(channels.allSatisfy { $0.subscribeRequests == 2 })
        #expect(f.noDuplicateTrades())
        await f.tearDown()
    }

    @Test func silentStallIsDetectedAndTheConnectionReplaced() async throws {
        let f = try await Fixture.make { $0.heartbeatTimeout = .seconds(2) }
        await f.simulator.inject(.stall(connection: nil, duration: .seconds(3)))
        #expect(await eventually(timeout: .seconds(15)) { f.client.environment.integrityCounters.stalls >= 1 })
        #expect(await f.converged(timeout: .seconds(30)))
        #expect(await f.client.snapshot().connections.allSatisfy { $0.opens >= 2 })
        #expect(f.noDuplicateTrades())
        await f.tearDown()
    }

    @Test func stallClearedWhileTheMarketMovesConverges() async throws {
        let f = try await Fixture.make { $0.heartbeatTimeout = .seconds(2) }
        await f.simulator.inject(.stall(connection: nil, duration: .milliseconds(2500)))
        for _ in 0..<10 {
            await f.simulator.step(2)
            try? await Task.sleep(for: .milliseconds(20))
        }
        await f.simulator.inject(.clear)
        let ok = await f.converged(timeout: .seconds(15))
        if !ok {
            for book in f.books {
                let local = book.currentBook()
                let remote: SimulatorBook?
                switch book.channel {
                case .book(let s, let p, _, let l): remote = await f.simulator.book(symbol: s, prec: p.rawValue, len: l)
                case .rawBook(let s, let l): remote = await f.simulator.book(symbol: s, prec: "R0", len: l)
                default: remote = nil
                }
                print("DIAG \(book.channel) live=\(book.isLive) local bids=\(local?.bids.count ?? -1) asks=\(local?.asks.count ?? -1) cs=\(local?.checksum() ?? 0) remote bids=\(remote?.bids.count ?? -1) asks=\(remote?.asks.count ?? -1) cs=\(remote?.checksum ?? 0)")
            }
            print("DIAG \(await f.client.snapshot().integrity)")
            f.client.reconnectAll()
            let again = await f.converged(timeout: .seconds(5))
            print("DIAG after fresh reconnect: converged=\(again)")
        }
        #expect(ok)
        await f.tearDown()
    }

    @Test func serverRestartReconnectsAtOnce() async throws {
        let f = try await Fixture.make { $0.reconnect.initialDelay = .seconds(30); $0.reconnect.maxDelay = .seconds(30) }
        await f.simulator.inject(.restart)
        // 20051 skips the backoff delay (30 s here), so this only passes if it reconnects now.
        #expect(await eventually(timeout: .seconds(10)) { await f.client.snapshot().connections.allSatisfy { $0.opens == 2 } })
        #expect(f.client.environment.integrityCounters.serverRestarts == 1)
        #expect(await f.converged())
        await f.tearDown()
    }

    @Test func maintenancePausesAndResubscribesEverything() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.maintenance(duration: .milliseconds(600)))
        #expect(await eventually { f.all.allSatisfy { !$0.isLive } })
        #expect(await eventually { await f.client.snapshot().channels.allSatisfy { $0.subscribeRequests == 2 } })
        #expect(await f.converged())
        #expect(f.client.environment.integrityCounters.maintenanceStarts == 1)
        #expect(f.noDuplicateTrades())
        await f.tearDown()
    }

    @Test func corruptChecksumResubscribesOnlyTheAffectedBook() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.corruptNextChecksum(connection: nil))
        await f.simulator.step(3)
        #expect(await eventually { f.client.environment.integrityCounters.checksumMismatches == 1 })
        #expect(await f.converged())
        let channels = await f.client.snapshot().channels
        #expect(channels.filter { $0.subscribeRequests == 2 }.count == 1)
        #expect(channels.filter { $0.checksumMismatches == 1 }.count == 1)
        #expect(channels.first { $0.checksumMismatches == 1 }?.subscribeRequests == 2)
        #expect(await f.client.snapshot().connections.allSatisfy { $0.opens == 1 })
        await f.tearDown()
    }

    @Test func sequenceGapIsDetectedAndRecovered() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.skipSequence(connection: nil))
        await f.simulator.step(3)
        #expect(await eventually { f.client.environment.integrityCounters.sequenceGaps == 1 })
        #expect(await f.converged())
        #expect(await f.client.snapshot().channels.filter { $0.subscribeRequests == 2 }.count <= 1)
        #expect(f.noDuplicateTrades())
        await f.tearDown()
    }

    @Test func malformedFrameIsSkippedAndRecovered() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.malformedFrame(connection: nil))
        #expect(await eventually { f.client.environment.integrityCounters.malformedFrames == 1 })
        #expect(await f.converged())
        #expect(await f.client.snapshot().connections.allSatisfy { $0.opens == 1 })
        await f.tearDown()
    }

    @Test func refusedConnectionsBackOffAndRecover() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.refuseConnections(duration: .milliseconds(800)))
        await f.simulator.inject(.dropAll)
        #expect(await eventually { await f.simulator.stats().connectionsRefused >= 2 })
        #expect(await f.converged(timeout: .seconds(30)))
        #expect(f.client.environment.integrityCounters.reconnects >= 3)
        // refused TCP connections are failed connects (backed off), never counted as opens
        #expect(await f.client.snapshot().connections.allSatisfy { $0.opens == 2 })
        await f.tearDown()
    }

    @Test func slowReaderServerStillCompletesResubscription() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.slowReader(connection: nil, perMessage: .milliseconds(30)))
        await f.simulator.inject(.dropAll)
        #expect(await f.converged(timeout: .seconds(30)))
        await f.simulator.inject(.clear)
        #expect(await f.converged())
        await f.tearDown()
    }

    @Test func slowConsumerMemoryIsBounded() async throws {
        let simulator = try await WS.simulator()
        var configuration = WS.configuration(for: simulator)
        configuration.buffering = BufferingPolicy(tradeQueueCapacity: 64, controlQueueCapacity: 16)
        let client = try WS.client(configuration)
        let trades = try await client.subscribe(.trades("tBTCUSD"))
        let book = try await client.subscribe(.book("tBTCUSD"))
        #expect(await eventually { trades.isLive && book.isLive })
        for _ in 0..<40 { await simulator.step(25) }
        #expect(await eventually { await WS.bookMatches(book, simulator) })
        let channels = await client.snapshot().channels
        #expect(channels.allSatisfy { $0.bufferDepth <= 80 })
        #expect(channels.first { $0.channel.isBook }.map { $0.bufferDepth <= 3 } == true)
        // The consumer finally reads: it is told how many trades were dropped.
        var sawOverflow = false
        var iterator = trades.events.makeAsyncIterator()
        for _ in 0..<100 {
            guard let event = await iterator.next() else { break }
            if case .overflow(let n) = event, n > 0 { sawOverflow = true; break }
        }
        #expect(sawOverflow)
        await client.shutdown()
        await simulator.shutdown()
    }

    // MARK: retryable subscribe errors (10300, 10400, 11000)

    /// Records `subscribeRetryScheduled` / `subscriptionFailed` client events in the background.
    final class RetryLog: Sendable {
        struct State {
            var retries: [(code: Int, attempt: Int)] = []
            var failures: [SubscriptionError] = []
        }
        final class Box: Sendable { let mutex = Mutex(State()) }
        let box = Box()
        private let task: Task<Void, Never>
        init(_ client: BfxClient) {
            let box = self.box
            task = Task {
                for await event in client.events {
                    switch event {
                    case .subscribeRetryScheduled(_, _, let code, let attempt, _): box.mutex.withLock { $0.retries.append((code, attempt)) }
                    case .subscriptionFailed(_, _, let error): box.mutex.withLock { $0.failures.append(error) }
                    default: break
                    }
                }
            }
        }
        var retries: [(code: Int, attempt: Int)] { box.mutex.withLock { $0.retries } }
        var failures: [SubscriptionError] { box.mutex.withLock { $0.failures } }
        func cancel() { task.cancel() }
    }

    static func retryConfiguration(_ simulator: BfxSimulator, maxAttempts: Int) -> BfxClientConfiguration {
        var configuration = WS.configuration(for: simulator)
        configuration.subscribeRetry = ReconnectPolicy(initialDelay: .milliseconds(5), multiplier: 2, maxDelay: .milliseconds(40), jitter: .none, maxAttempts: maxAttempts)
        return configuration
    }

    @Test(arguments: [11000, 10300, 10400])
    func retryableSubscribeErrorIsRetriedWithBackoff(code: Int) async throws {
        let simulator = try await WS.simulator()
        let client = try WS.client(Self.retryConfiguration(simulator, maxAttempts: 5))
        let log = RetryLog(client)
        await simulator.inject(.rejectSubscribe(code: code, count: 2))
        let book = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
        #expect(await WS.converge([book], simulator))
        let channel = try #require(await client.snapshot().channels.first)
        #expect(channel.subscribeRequests == 3)
        #expect(channel.phase == "live")
        #expect(client.environment.integrityCounters.subscribeRetries == 2)
        #expect(await eventually { log.retries.map(\.attempt) == [1, 2] })
        #expect(log.retries.allSatisfy { $0.code == code })
        #expect(log.failures.isEmpty)
        log.cancel()
        await client.shutdown()
        await simulator.shutdown()
    }

    @Test func retryableSubscribeErrorGivesUpAfterMaxAttempts() async throws {
        let simulator = try await WS.simulator()
        let client = try WS.client(Self.retryConfiguration(simulator, maxAttempts: 2))
        let log = RetryLog(client)
        let ticker = try await client.subscribe(.ticker("tETHUSD"))
        #expect(await eventually { ticker.isLive })
        await simulator.inject(.rejectSubscribe(code: 10300, count: 100))
        let book = try await client.subscribe(.book("tBTCUSD"))
        let recorder = WS.Recorder(book)
        #expect(await eventually { recorder.state.mutex.withLock { $0.failed != nil } })
        let error = try #require(recorder.state.mutex.withLock { $0.failed })
        #expect(error.code == 10300)
        #expect(error.attempts == 3)
        #expect(error.isRetryable)
        #expect(log.retries.map(\.attempt) == [1, 2])
        #expect(await eventually { log.failures.count == 1 })
        let channels = await client.snapshot().channels
        #expect(channels.first { $0.channel.isBook }?.phase == "failed")
        #expect(channels.first { $0.channel.isBook }?.subscribeRequests == 3)
        // the other subscription on the same connection is untouched
        #expect(ticker.isLive)
        await simulator.inject(.clear)
        recorder.cancel()
        log.cancel()
        await client.shutdown()
        await simulator.shutdown()
    }

    @Test func fatalSubscribeErrorFailsAtOnce() async throws {
        let simulator = try await WS.simulator()
        let client = try WS.client(Self.retryConfiguration(simulator, maxAttempts: 5))
        let log = RetryLog(client)
        await simulator.inject(.rejectSubscribe(code: 10001, count: 1))
        let book = try await client.subscribe(.book("tBTCUSD"))
        let recorder = WS.Recorder(book)
        #expect(await eventually { recorder.state.mutex.withLock { $0.failed != nil } })
        let error = try #require(recorder.state.mutex.withLock { $0.failed })
        #expect(error.code == 10001)
        #expect(error.attempts == 1)
        #expect(!error.isRetryable)
        #expect(log.retries.isEmpty)
        #expect(await client.snapshot().channels.first?.subscribeRequests == 1)
        recorder.cancel()
        log.cancel()
        await client.shutdown()
        await simulator.shutdown()
    }

    @Test func reconnectWhileARetryWaitsSubscribesOnceAndDropsTheTimer() async throws {
        let simulator = try await WS.simulator()
        var configuration = WS.configuration(for: simulator)
        configuration.subscribeRetry = ReconnectPolicy(initialDelay: .milliseconds(400), maxDelay: .seconds(1), jitter: .none, maxAttempts: 3)
        let client = try WS.client(configuration)
        let log = RetryLog(client)
        await simulator.inject(.rejectSubscribe(code: 11000, count: 1))
        let book = try await client.subscribe(.book("tBTCUSD"))
        #expect(await eventually { log.retries.count == 1 })
        // The retry timer (400 ms) is armed; the socket drops and the new one subscribes at once.
        await simulator.inject(.dropAll)
        #expect(await WS.converge([book], simulator))
        #expect(await client.snapshot().channels.first?.subscribeRequests == 2)
        // Past the old timer's deadline: it must not send a second subscribe on the new socket.
        try await Task.sleep(for: .milliseconds(600))
        let channel = try #require(await client.snapshot().channels.first)
        #expect(channel.subscribeRequests == 2)
        #expect(channel.phase == "live")
        #expect(log.failures.isEmpty)
        log.cancel()
        await client.shutdown()
        await simulator.shutdown()
    }

    // MARK: retryable errors answering the resync unsubscribe

    @Test func retryableUnsubscribeErrorDuringResyncIsRetriedThenResubscribedOnce() async throws {
        let simulator = try await WS.simulator()
        let client = try WS.client(Self.retryConfiguration(simulator, maxAttempts: 5))
        let book = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
        #expect(await WS.converge([book], simulator))
        // The resync's unsubscribe is refused twice (the server keeps the channel): subscribing
        // before it is confirmed would get 10301 and replace the socket.
        await simulator.inject(.rejectUnsubscribe(code: 11000, count: 2))
        await simulator.inject(.corruptNextChecksum(connection: nil))
        await simulator.step(3)
        #expect(await eventually { client.environment.integrityCounters.checksumMismatches == 1 })
        #expect(await WS.converge([book], simulator))
        let channel = try #require(await client.snapshot().channels.first)
        #expect(channel.resyncs == 1)
        #expect(channel.subscribeRequests == 2)  // initial + exactly one resubscribe
        #expect(channel.phase == "live")
        #expect(await client.snapshot().connections.allSatisfy { $0.opens == 1 })  // socket kept
        #expect(await simulator.stats().faultsInjected["reject_unsubscribe"] == 1)
        await client.shutdown()
        await simulator.shutdown()
    }

    @Test func unsubscribeRetriesExhaustedReplaceTheSocket() async throws {
        let simulator = try await WS.simulator()
        let client = try WS.client(Self.retryConfiguration(simulator, maxAttempts: 1))
        let book = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
        #expect(await WS.converge([book], simulator))
        await simulator.inject(.rejectUnsubscribe(code: 10300, count: 2))
        await simulator.inject(.corruptNextChecksum(connection: nil))
        await simulator.step(3)
        // 1 retry allowed: the second rejection gives up and the socket is replaced.
        #expect(await eventually { await client.snapshot().connections.allSatisfy { $0.opens == 2 } })
        #expect(await WS.converge([book], simulator))
        let channel = try #require(await client.snapshot().channels.first)
        #expect(channel.subscribeRequests == 2)  // initial + one on the new socket
        #expect(channel.phase == "live")
        await client.shutdown()
        await simulator.shutdown()
    }

    @Test func retryableErrorsDuringResubscribeAfterDropAreRetried() async throws {
        let f = try await Fixture.make { $0.subscribeRetry = ReconnectPolicy(initialDelay: .milliseconds(5), maxDelay: .milliseconds(40), maxAttempts: 5) }
        await f.simulator.inject(.rejectSubscribe(code: 11000, count: 3))
        await f.simulator.inject(.dropAll)
        #expect(await eventually { await f.client.snapshot().connections.allSatisfy { $0.opens == 2 } })
        #expect(await f.converged())
        let channels = await f.client.snapshot().channels
        // nothing forgotten, nothing subscribed twice: 1 initial + 1 resubscribe + 3 retries in total
        #expect(channels.map(\.subscribeRequests).reduce(0, +) == 2 * channels.count + 3)
        #expect(f.client.environment.integrityCounters.subscribeRetries == 3)
        #expect(f.noDuplicateTrades())
        await f.tearDown()
    }
}
}

import Synchronization
import BfxTestSupport
