import BfxProtocol
import Foundation
import Testing
@testable import BfxRuntime

/// `rate_limits.rest_*_per_minute` reach the REST limiters (embedded simulator on loopback).
@Suite(.serialized) struct RESTRateLimitTests {
    static func runtime(_ rateLimits: String) throws -> Runtime {
        let yaml = """
        endpoint: simulator
        keys: [{name: demo}]
        rate_limits: \(rateLimits)
        metrics: {enabled: false}
        simulator: {seed: 3, rate: 5}
        shutdown: {drain_timeout: 1s}
        """
        let loaded = try ConfigLoader.load(yaml: yaml, file: "rl.yaml", environment: [:])
        return Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, serveHTTP: false))
    }

    @Test func configuredBudgetsAreTheRESTClientsLimiterConfiguration() async throws {
        let runtime = try Self.runtime("{rest_public_per_minute: 12, rest_auth_per_minute: 7}")
        try await runtime.start()
        let limits = try #require(await runtime.restRateLimits(key: "demo"))
        await runtime.stop()
        #expect(limits.authPerMinute == 7)
        #expect(limits.publicPerMinute == 12)
        // The client's stricter platform/status budget (30/min) is capped by the public budget.
        #expect(limits.overrides["platform/status"] == 12)
        #expect(await runtime.restRateLimits(key: "nope") == nil)
    }

    @Test func signedBurstWaitsForTheClientSideLimiter() async throws {
        // 30/min → burst 5, then one token every 2 s: the 6th call must wait ≈ 2 s.
        let runtime = try Self.runtime("{rest_auth_per_minute: 30}")
        try await runtime.start()
        let started = ContinuousClock.now
        for _ in 0..<6 { _ = try await runtime.wallets(key: "demo") }
        let elapsed = ContinuousClock.now - started
        let integrity = await runtime.integrity()
        await runtime.stop()
        #expect(elapsed >= .milliseconds(1500), "6 signed calls took \(elapsed); the 6th should have waited for a token")
        // The waiting happened client-side: the server never answered 429.
        #expect(integrity["restRateLimitHits"] == 0)
    }

    @Test func publicBurstWaitsForTheRuntimeBucket() async throws {
        // 60/min → burst 10, then one token per second: the 11th public call waits ≈ 1 s.
        let runtime = try Self.runtime("{rest_public_per_minute: 60}")
        try await runtime.start()
        let started = ContinuousClock.now
        for _ in 0..<11 { _ = try await runtime.restCall(method: "GET", path: "platform/status") }
        let elapsed = ContinuousClock.now - started
        let integrity = await runtime.integrity()
        await runtime.stop()
        #expect(elapsed >= .milliseconds(700), "11 public calls took \(elapsed)")
        #expect((integrity["publicRestWaits"] ?? 0) >= 1)
    }

    @Test func tokenBucketRefillsAtTheConfiguredRate() {
        let t0: UInt64 = 1_000_000_000
        let fiveSeconds: UInt64 = 5_000_000_000
        var bucket = TokenBucket(perMinute: 12, nowNanos: t0)  // burst 2, one token per 5 s
        #expect(bucket.take(nowNanos: t0) == nil)
        #expect(bucket.take(nowNanos: t0) == nil)
        #expect(bucket.take(nowNanos: t0) == fiveSeconds)
        #expect(bucket.take(nowNanos: t0 + fiveSeconds) == nil)
        #expect(bucket.take(nowNanos: t0 + fiveSeconds) != nil)
    }
}
