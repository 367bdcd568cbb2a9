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
        #expect(await WS.eventually { candles.isLive })
        let snapshot = await f.client.snapshot()
        #expect(snapshot.connections.count == 1)
        #expect(snapshot.channels.count == 6)
        #expect(snapshot.channels.allSatisfy { $0.phase == "live" && $0.chanId != nil && $0.subscribeRequests == 1 })
        await f.simulator.step(20)
        #expect(await f.converged())
        #expect(await WS.eventually { await f.client.snapshot().channels.filter(\.channel.isBook).allSatisfy { $0.checksumsVerified > 0 } })
        #expect(f.noDuplicateTrades())
        await f.tearDown()
    }

    @Test func dropOfAllConnectionsIsRecovered() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.dropAll)
        #expect(await WS.eventually { await f.client.snapshot().connections.allSatisfy { $0.opens == 2 } })
        #expect(await f.converged())
        let channels = await f.client.snapshot().channels
        #expect(channels.allSatisfy { $0.subscribeRequests == 2 })
        #expect(f.noDuplicateTrades())
        await f.tearDown()
    }

    @Test func silentStallIsDetectedAndTheConnectionReplaced() async throws {
        let f = try await Fixture.make { $0.heartbeatTimeout = .seconds(2) }
        await f.simulator.inject(.stall(connection: nil, duration: .seconds(3)))
        #expect(await WS.eventually(timeout: .seconds(15)) { f.client.environment.integrityCounters.stalls >= 1 })
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
        #expect(await WS.eventually(timeout: .seconds(10)) { await f.client.snapshot().connections.allSatisfy { $0.opens == 2 } })
        #expect(f.client.environment.integrityCounters.serverRestarts == 1)
        #expect(await f.converged())
        await f.tearDown()
    }

    @Test func maintenancePausesAndResubscribesEverything() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.maintenance(duration: .milliseconds(600)))
        #expect(await WS.eventually { f.all.allSatisfy { !$0.isLive } })
        #expect(await WS.eventually { await f.client.snapshot().channels.allSatisfy { $0.subscribeRequests == 2 } })
        #expect(await f.converged())
        #expect(f.client.environment.integrityCounters.maintenanceStarts == 1)
        #expect(f.noDuplicateTrades())
        await f.tearDown()
    }

    @Test func corruptChecksumResubscribesOnlyTheAffectedBook() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.corruptNextChecksum(connection: nil))
        await f.simulator.step(3)
        #expect(await WS.eventually { f.client.environment.integrityCounters.checksumMismatches == 1 })
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
        #expect(await WS.eventually { f.client.environment.integrityCounters.sequenceGaps == 1 })
        #expect(await f.converged())
        #expect(await f.client.snapshot().channels.filter { $0.subscribeRequests == 2 }.count <= 1)
        #expect(f.noDuplicateTrades())
        await f.tearDown()
    }

    @Test func malformedFrameIsSkippedAndRecovered() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.malformedFrame(connection: nil))
        #expect(await WS.eventually { f.client.environment.integrityCounters.malformedFrames == 1 })
        #expect(await f.converged())
        #expect(await f.client.snapshot().connections.allSatisfy { $0.opens == 1 })
        await f.tearDown()
    }

    @Test func refusedConnectionsBackOffAndRecover() async throws {
        let f = try await Fixture.make()
        await f.simulator.inject(.refuseConnections(duration: .milliseconds(800)))
        await f.simulator.inject(.dropAll)
        #expect(await WS.eventually { await f.simulator.stats().connectionsRefused >= 2 })
        #expect(await f.converged(timeout: .seconds(30)))
        #expect(f.client.environment.integrityCounters.reconnects >= 3)
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
        #expect(await WS.eventually { trades.isLive && book.isLive })
        for _ in 0..<40 { await simulator.step(25) }
        #expect(await WS.eventually { await WS.bookMatches(book, simulator) })
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
}
}
