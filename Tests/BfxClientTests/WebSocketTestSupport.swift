import BfxProtocol
import Foundation
import BfxSimulator
import Logging
import Testing
@testable import BfxClient

/// Parent of every integration suite that runs a simulator: serialized so suites never compete
/// for the two cores (timing-based liveness checks would otherwise see starvation as stalls).
@Suite(.serialized) enum WebSocketIntegrationTests {}

/// Shared helpers of the WebSocket client integration tests (real client, real simulator, loopback).
enum WS {
    static func simulator(
        tick: SimulatorConfiguration.TickMode = .manual,
        symbols: [String] = ["tBTCUSD", "tETHUSD", "tXRPBTC", "tETHBTC"],
        heartbeat: Duration = .milliseconds(500),
        rate: Double = 20
    ) async throws -> BfxSimulator {
        var configuration = SimulatorConfiguration()
        configuration.tickMode = tick
        configuration.tradingSymbols = symbols
        configuration.heartbeatInterval = heartbeat
        configuration.ratePerSecond = rate
        var logger = Logger(label: "test.sim")
        logger.logLevel = .warning
        return try await BfxSimulator.start(configuration, logger: logger)
    }

    static func configuration(for simulator: BfxSimulator, seed: UInt64 = 1) -> BfxClientConfiguration {
        var c = BfxClientConfiguration(publicURL: simulator.wsURL, authenticatedURL: simulator.wsURL)
        c.heartbeatTimeout = .seconds(5)
        c.pingInterval = .milliseconds(400)
        c.connectTimeout = .seconds(3)
        c.reconnect = ReconnectPolicy(initialDelay: .milliseconds(5), multiplier: 2, maxDelay: .milliseconds(200), jitter: .full, stablePeriod: .seconds(5))
        c.publicRateLimit = ConnectionRateLimit(maxConnections: 200, window: .seconds(60))
        c.jitterSeed = seed
        return c
    }

    static func client(_ configuration: BfxClientConfiguration) throws -> BfxClient {
        var logger = Logger(label: "test.ws")
        logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["BFX_TEST_LOG"] ?? "") ?? .warning
        return try BfxClient(configuration: configuration, logger: logger)
    }

    /// Waits until every subscription is live and every book equals the simulator's. The market
    /// keeps moving one tick at a time in between, so any silent divergence produces a `cs` the
    /// client must catch; a client that never detects it never converges and the test fails.
    static func converge(_ subscriptions: [Subscription], _ simulator: BfxSimulator, timeout: Duration = .seconds(20)) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        let books = subscriptions.filter(\.channel.isBook)
        guard await eventually(timeout: timeout, { subscriptions.allSatisfy(\.isLive) }) else { return false }
        var rounds = 0
        while clock.now < deadline && rounds < 10_000 {
            rounds += 1
            await simulator.step(1)
            let matched = await eventually(timeout: .milliseconds(300), every: .milliseconds(3)) {
                guard subscriptions.allSatisfy(\.isLive) else { return false }
                for book in books where await !bookMatches(book, simulator) { return false }
                return true
            }
            if matched { return true }
        }
        return false
    }

    /// Whether the client's maintained book equals the simulator's authoritative book.
    static func bookMatches(_ subscription: Subscription, _ simulator: BfxSimulator) async -> Bool {
        guard let book = subscription.currentBook() else { return false }
        switch subscription.channel {
        case .book(let symbol, let precision, _, let length):
            guard let sim = await simulator.book(symbol: symbol, prec: precision.rawValue, len: length) else { return false }
            return sideMatches(book.bids, sim.bids, raw: false) && sideMatches(book.asks, sim.asks, raw: false)
                && book.checksum() == sim.checksum
        case .rawBook(let symbol, let length):
            guard let sim = await simulator.book(symbol: symbol, prec: "R0", len: length) else { return false }
            return sideMatches(book.bids, sim.bids, raw: true) && sideMatches(book.asks, sim.asks, raw: true)
                && book.checksum() == sim.checksum
        default:
            return false
        }
    }

    static func sideMatches(_ local: [BookLevel], _ remote: [SimulatorBook.Entry], raw: Bool) -> Bool {
        guard local.count == remote.count else { return false }
        for (l, r) in zip(local, remote) {
            if l.price.text != r.price || l.amount.text != r.amount { return false }
            if raw { if l.orderId != r.id { return false } } else if l.count != Int64(r.count ?? -1) { return false }
        }
        return true
    }

    /// Consumes a subscription's events in the background, recording what matters to the tests.
    final class Recorder: Sendable {
        struct State {
            var tradeIDs: [Int64] = []
            var duplicates = 0
            var integrity: [IntegrityEvent] = []
            var subscribed = 0
            var stale = 0
            var overflows = 0
            var failed: SubscriptionError?
            var bookEvents = 0
        }

        final class Box: Sendable {
            let mutex = Mutex(State())
        }

        private let box = Box()
        private let task: Task<Void, Never>

        /// Locked access to the recorded state.
        var state: Box { box }

        init(_ subscription: Subscription) {
            let box = self.box
            task = subscription.onEvent { event in
                box.mutex.withLock { s in
                    switch event {
                    case .subscribed: s.subscribed += 1
                    case .stale: s.stale += 1
                    case .tradeSnapshot(let trades):
                        for t in trades {
                            if s.tradeIDs.contains(t.id) { s.duplicates += 1 } else { s.tradeIDs.append(t.id) }
                        }
                    case .trade(let t):
                        if s.tradeIDs.suffix(5000).contains(t.id) { s.duplicates += 1 } else { s.tradeIDs.append(t.id) }
                    case .integrity(let i): s.integrity.append(i)
                    case .overflow: s.overflows += 1
                    case .failed(let e): s.failed = e
                    case .book: s.bookEvents += 1
                    default: break
                    }
                }
            }
        }

        func cancel() { task.cancel() }
    }
}

import Synchronization
import BfxTestSupport
