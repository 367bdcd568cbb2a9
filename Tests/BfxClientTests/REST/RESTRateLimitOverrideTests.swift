import BfxProtocol
import BfxClient
import BfxNonce
import Foundation
import Testing
import BfxTestSupport

/// `RESTRateLimits.overrides`: exact names and `prefix*` entries, and that the client limiter
/// applies them per endpoint (virtual time, counted waits).
@Suite struct RESTRateLimitOverrideTests {
    @Test func exactBeatsPrefixAndLongestPrefixWins() {
        let limits = RESTRateLimits(authPerMinute: 45, publicPerMinute: 30,
                                    overrides: ["auth/r/*": 20, "auth/r/orders*": 12, "auth/r/orders/hist": 10, "ticker*": 6])
        #expect(limits.perMinute(endpoint: "auth/r/orders/hist", authenticated: true) == 10)
        #expect(limits.perMinute(endpoint: "auth/r/orders", authenticated: true) == 12)
        #expect(limits.perMinute(endpoint: "auth/r/wallets", authenticated: true) == 20)
        #expect(limits.perMinute(endpoint: "auth/w/order/submit", authenticated: true) == 45)
        #expect(limits.perMinute(endpoint: "tickers", authenticated: false) == 6)
        #expect(limits.perMinute(endpoint: "trades", authenticated: false) == 30)
        // Non-positive budgets never reach the bucket.
        #expect(RESTRateLimits(overrides: ["x": 0]).perMinute(endpoint: "x", authenticated: false) == 1)
    }

    @Test func endpointNamesDropSymbolsAndQuery() {
        #expect(RESTRateLimits.endpointName(forPath: "ticker/tBTCUSD") == "ticker")
        #expect(RESTRateLimits.endpointName(forPath: "auth/r/trades/tBTCUSD/hist") == "auth/r/trades/hist")
        #expect(RESTRateLimits.endpointName(forPath: "auth/r/orders/hist") == "auth/r/orders/hist")
        #expect(RESTRateLimits.endpointName(forPath: "tickers?symbols=tBTCUSD") == "tickers")
    }

    @Test(.timeLimit(.minutes(1)))
    func prefixOverrideThrottlesMatchingEndpointsOnly() async throws {
        let sim = try await startRESTSimulator()
        defer { Task { await sim.shutdown() } }
        let clock = ManualClock(wallMicros: SystemClock().wallMicros())
        // `auth/r/wall*` 6/min → burst 1; default auth budget 600/min (burst 100).
        let rest = restClient(sim, manager: NonceManager(clock: clock),
                              limits: RESTRateLimits(authPerMinute: 600, publicPerMinute: 600, overrides: ["auth/r/wall*": 6]), clock: clock)
        _ = try await rest.wallets()
        for _ in 0..<5 { _ = try await rest.positions() }
        #expect(rest.rateLimitWaits(endpoint: "auth/r/positions") == 0)
        #expect(rest.rateLimitWaits(endpoint: "auth/r/wallets") == 0)
        let second = Task { try await rest.wallets() }
        try await restEventually("wallets throttled") { clock.sleeperCount == 1 }
        #expect(rest.rateLimitWaits(endpoint: "auth/r/wallets") == 1)
        // Other endpoints keep flowing while wallets waits.
        _ = try await rest.positions()
        #expect(rest.rateLimitWaits(endpoint: "auth/r/positions") == 0)
        clock.advance(by: .seconds(10))  // one token per 10 s
        _ = try await second.value
        #expect(rest.rateLimitWaits(endpoint: "auth/r/wallets") == 1)
    }
}
