import BfxClient
import BfxNonce
import BfxProtocol
import BfxSimulator
import Foundation
import Testing
import BfxTestSupport

@Suite(.serialized) struct BfxRESTClientTests {
    @Test(.timeLimit(.minutes(1)))
    func publicEndpointsDecode() async throws {
        let sim = try await startRESTSimulator()
        defer { Task { await sim.shutdown() } }
        await sim.step(20)
        let rest = restClient(sim)
        #expect(try await rest.platformStatus() == true)
        let ticker = try await rest.ticker(symbol: "tBTCUSD")
        #expect(ticker.bid.double > 0 && ticker.ask.double >= ticker.bid.double)
        let tickers = try await rest.tickers(symbols: ["tBTCUSD", "tETHUSD", "fUSD"])
        #expect(Set(tickers.keys) == ["tBTCUSD", "tETHUSD"])
        let book = try await rest.book(symbol: "tBTCUSD", precision: "P0", length: 25)
        #expect(!book.isEmpty)
        _ = try await rest.trades(symbol: "tBTCUSD", limit: 10)
        _ = try await rest.candles(key: "trade:1m:tBTCUSD", limit: 10)
        let skew = try await rest.measureClockSkew()
        #expect(abs(skew) < 5_000_000)
    }

    @Test(.timeLimit(.minutes(1)))
    func signedCallsGoThroughTheNonceManager() async throws {
        let sim = try await startRESTSimulator()
        defer { Task { await sim.shutdown() } }
        let manager = NonceManager()
        let rest = restClient(sim, manager: manager)
        let wallets = try await rest.wallets()
        #expect(!wallets.isEmpty)
        _ = try await rest.positions()
        _ = try await rest.call(path: "auth/r/wallets", label: "generic")
        let accepted = await sim.acceptedNonces(apiKey: "rest-key")
        let snap = await manager.snapshot()
        #expect(accepted == snap.recent.map(\.nonce))
        #expect(snap.recent.map(\.label) == ["auth/r/wallets", "auth/r/positions", "generic"])
        #expect(snap.recent.allSatisfy { $0.keyID == "rest" && $0.outcome == "ok" })
    }

    @Test(.timeLimit(.minutes(1)))
    func orderLifecycleReturnsNotifications() async throws {
        let sim = try await startRESTSimulator()
        defer { Task { await sim.shutdown() } }
        await sim.step(5)
        let rest = restClient(sim)
        let placed = try await rest.submitOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: "0.01", price: "1000", cid: 42)
        #expect(placed.isSuccess)
        let orders = try await rest.orders()
        let order = try #require(orders.first)
        let cancelled = try await rest.cancelOrder(id: order.id)
        #expect(cancelled.isSuccess)
    }

    @Test(.timeLimit(.minutes(1)))
    func nonceRejectionIsRecoveredByOneRetry() async throws {
        let sim = try await startRESTSimulator()
        defer { Task { await sim.shutdown() } }
        let manager = NonceManager()
        let rest = restClient(sim, manager: manager)
        _ = try await rest.wallets()
        await sim.inject(.rejectNextNonce(apiKey: "rest-key"))
        _ = try await rest.wallets()  // first attempt rejected (10114), retried with a fresh nonce
        let c = try #require(await manager.snapshot().keys.first).counters
        #expect(c.nonceRejected == 1 && c.retried == 1 && c.succeeded == 2)
        let stats = try #require(await sim.stats().nonces["rest-key"])
        #expect(stats.accepted == 2 && stats.rejected == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func badKeyIsFatalAndNotRetried() async throws {
        let sim = try await startRESTSimulator()
        defer { Task { await sim.shutdown() } }
        let manager = NonceManager()
        let rest = restClient(sim, manager: manager, apiKey: "unknown-key")
        do {
            _ = try await rest.wallets()
            Issue.record("expected an error")
        } catch let error as BfxRESTError {
            guard case .api(let api, let status, _) = error else { Issue.record("\(error)"); return }
            #expect(status == 500 && api.code == .authFail)
            #expect(error.signedCallFailure == .fatal)
        }
        let c = try #require(await manager.snapshot().keys.first).counters
        #expect(c.fatal == 1 && c.issued == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func rateLimitBacksOffOnTheInjectedClockThenRetries() async throws {
        let sim = try await startRESTSimulator()
        defer { Task { await sim.shutdown() } }
        let clock = ManualClock(wallMicros: SystemClock().wallMicros())
        let manager = NonceManager(clock: clock)
        let rest = restClient(sim, manager: manager, clock: clock)
        await sim.inject(.restRateLimit(count: 1))
        let call = Task { try await rest.wallets() }
        try await restEventually("backoff armed") { clock.sleeperCount == 1 }
        #expect(rest.rateLimitBlock == .seconds(60))
        clock.advance(by: .seconds(61))
        let wallets = try await call.value
        #expect(!wallets.isEmpty)
        let c = try #require(await manager.snapshot().keys.first).counters
        #expect(c.rateLimited == 1 && c.succeeded == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func sixtyFourConcurrentTasksArriveInOrder() async throws {
        let sim = try await startRESTSimulator()
        defer { Task { await sim.shutdown() } }
        let manager = NonceManager()
        let rest = restClient(sim, manager: manager)
        let calls = ProcessInfo.processInfo.environment["BFX_STRESS"] == nil ? 8 : 200
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<64 {
                group.addTask {
                    for i in 0..<calls {
                        let priority: NoncePriority = [.critical, .high, .normal, .low][(t + i) % 4]
                        _ = try await rest.call(path: "auth/r/wallets", priority: priority)
                    }
                }
            }
            try await group.waitForAll()
        }
        let stats = try #require(await sim.stats().nonces["rest-key"])
        #expect(stats.accepted == 64 * calls)
        #expect(stats.rejected == 0 && stats.outOfOrder == 0)
        let accepted = await sim.acceptedNonces(apiKey: "rest-key")
        #expect(zip(accepted, accepted.dropFirst()).allSatisfy { $0 < $1 })
    }
}

@Suite struct RESTRateLimiterTests {
    @Test(.timeLimit(.minutes(1)))
    func tokenBucketThrottlesAnEndpointInVirtualTime() async throws {
        let sim = try await startRESTSimulator()
        defer { Task { await sim.shutdown() } }
        let clock = ManualClock(wallMicros: SystemClock().wallMicros())
        // 60/min per endpoint → burst of 10, then one token per second.
        let rest = restClient(sim, manager: NonceManager(clock: clock),
                              limits: RESTRateLimits(authPerMinute: 60, publicPerMinute: 60, overrides: [:]), clock: clock)
        for _ in 0..<10 { _ = try await rest.ticker(symbol: "tBTCUSD") }
        let eleventh = Task { try await rest.ticker(symbol: "tBTCUSD") }
        try await restEventually("throttled") { clock.sleeperCount == 1 }
        // Another endpoint has its own bucket.
        _ = try await rest.platformStatus()
        clock.advance(by: .seconds(1))
        _ = try await eleventh.value
    }

    @Test func pathsMapToPriorities() {
        let config = BfxRESTConfiguration.live
        #expect(config.priority(for: "auth/w/order/cancel") == .critical)
        #expect(config.priority(for: "auth/w/order/cancel/multi") == .critical)
        #expect(config.priority(for: "auth/w/order/submit") == .high)
        #expect(config.priority(for: "auth/r/wallets") == .normal)
        #expect(config.priority(for: "auth/r/trades/hist") == .low)
    }
}
