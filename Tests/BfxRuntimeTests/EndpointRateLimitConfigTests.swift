import BfxClient
import Foundation
import Testing
@testable import BfxRuntime

/// `rate_limits.endpoints[]`: decoding, validation errors, mapping onto `RESTRateLimits`, and
/// a configured endpoint throttling signed calls to that path only (embedded simulator).
@Suite(.serialized) struct EndpointRateLimitConfigTests {
    static func issues(_ yaml: String) -> [ConfigIssue] {
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "rl.yaml", environment: [:])
            return []
        } catch {
            return error.issues
        }
    }

    @Test func decodesExactAndPrefixEntries() throws {
        let yaml = """
        rate_limits:
          rest_auth_per_minute: 40
          endpoints:
            - {path: "auth/r/orders/hist", per_minute: 10}
            - {path: "/v2/ticker*", per_minute: 25}
            - path: auth/r/*
              per_minute: 20
        """
        let loaded = try ConfigLoader.load(yaml: yaml, file: "rl.yaml", environment: [:])
        let r = loaded.config.rateLimits
        #expect(r.endpoints == [EndpointRateLimitConfig(path: "auth/r/orders/hist", perMinute: 10),
                                EndpointRateLimitConfig(path: "ticker*", perMinute: 25),
                                EndpointRateLimitConfig(path: "auth/r/*", perMinute: 20)])
        let limits = r.restRateLimits
        #expect(limits.perMinute(endpoint: "auth/r/orders/hist", authenticated: true) == 10)  // exact beats prefix
        #expect(limits.perMinute(endpoint: "auth/r/wallets", authenticated: true) == 20)      // prefix
        #expect(limits.perMinute(endpoint: "auth/w/order/submit", authenticated: true) == 40) // default
        #expect(limits.perMinute(endpoint: "ticker", authenticated: false) == 25)
        #expect(limits.perMinute(endpoint: "tickers", authenticated: false) == 25)
        #expect(limits.perMinute(endpoint: "platform/status", authenticated: false) == 30)    // built-in kept
        // `bfxrun check` prints the effective configuration: the entries are listed.
        #expect(loaded.maskedYAML.contains("endpoints:"))
        #expect(loaded.maskedYAML.contains("per_minute: 10"))
        #expect(loaded.maskedYAML.contains("ticker*"))
    }

    @Test func endpointEntryOverridesBuiltInPlatformStatus() throws {
        let yaml = "rate_limits: {endpoints: [{path: platform/status, per_minute: 5}]}"
        let limits = try ConfigLoader.load(yaml: yaml, file: "rl.yaml", environment: [:]).config.rateLimits.restRateLimits
        #expect(limits.perMinute(endpoint: "platform/status", authenticated: false) == 5)
        #expect(Runtime.restRateLimits(RateLimitConfig()).overrides == RESTRateLimits().overrides)
    }

    @Test func validationErrorsHavePositionsAndHints() throws {
        let yaml = """
        rate_limits:
          endpoints:
            - {path: auth/r/wallets, per_minut: 10}
            - {path: ticker, per_minute: 0}
            - {path: "auth/r/wallets", per_minute: 3}
            - {path: "auth/r/wallets", per_minute: 4}
            - {path: "ti*cker", per_minute: 4}
            - {path: "ticker/tBTCUSD", per_minute: 4}
            - {per_minute: 4}
            - {path: "*", per_minute: 4}
            - {path: trades, per_minute: -2}
            - {path: book, per_minute: many}
        """
        let issues = Self.issues(yaml)
        func find(_ path: String, _ kind: ConfigIssue.Kind) -> ConfigIssue? { issues.first { $0.path == path && $0.kind == kind } }

        let typo = try #require(find("rate_limits.endpoints[0].per_minut", .unknownKey))
        #expect(typo.line == 3 && typo.column > 1)
        #expect(typo.hint?.contains("did you mean 'per_minute'?") == true)
        #expect(find("rate_limits.endpoints[0].per_minute", .missingKey) != nil)

        let zero = try #require(find("rate_limits.endpoints[1].per_minute", .outOfRange))
        #expect(zero.line == 4)
        #expect(find("rate_limits.endpoints[8].per_minute", .outOfRange) != nil)
        #expect(find("rate_limits.endpoints[9].per_minute", .wrongType) != nil)

        // [0] names auth/r/wallets first (its per_minute is missing, the path still counts).
        let duplicate = try #require(find("rate_limits.endpoints[2].path", .duplicateKey))
        #expect(duplicate.line == 5)
        #expect(duplicate.message.contains("auth/r/wallets"))
        #expect(find("rate_limits.endpoints[3].path", .duplicateKey) != nil)
        #expect(find("rate_limits.endpoints[0].path", .duplicateKey) == nil)

        let star = try #require(find("rate_limits.endpoints[4].path", .invalidValue))
        #expect(star.message.contains("'*' is allowed only at the end"))
        let symbol = try #require(find("rate_limits.endpoints[5].path", .invalidValue))
        #expect(symbol.hint == "use 'ticker'")
        #expect(find("rate_limits.endpoints[6].path", .missingKey) != nil)
        #expect(find("rate_limits.endpoints[7].path", .invalidValue) != nil)
        #expect(Self.issues("rate_limits: {endpoints: [{path: ticker/tBTCUSD, per_minute: 0}]}").count == 2)
        #expect(issues.allSatisfy { $0.file == "rl.yaml" && $0.line > 0 && $0.column > 0 })
        #expect(issues.count == 11, "\(issues.map(\.description).joined(separator: "\n"))")
    }

    @Test func unknownKeyInRateLimitsSuggestsEndpoints() {
        let issues = Self.issues("rate_limits: {endpoint: []}")
        #expect(issues.contains { $0.path == "rate_limits.endpoint" && $0.hint == "did you mean 'endpoints'?" })
    }

    @Test func endpointsMustBeAListOfMappings() {
        #expect(Self.issues("rate_limits: {endpoints: {path: x}}").contains { $0.path == "rate_limits.endpoints" && $0.kind == .wrongType })
        #expect(Self.issues("rate_limits: {endpoints: [ticker]}").contains { $0.path == "rate_limits.endpoints[0]" && $0.kind == .wrongType })
    }

    /// A configured endpoint limit throttles calls to that endpoint, counted by the key's client
    /// limiter (no timing asserts); another endpoint with a large default budget never waits.
    @Test func configuredEndpointThrottlesOnlyThatPath() async throws {
        // Default auth budget 600/min (burst 100); auth/r/wallets 60/min (burst 10): the 11th
        // wallets call must wait for a token, 11 positions calls must not.
        let yaml = """
        endpoint: simulator
        keys: [{name: demo}]
        rate_limits:
          rest_auth_per_minute: 600
          endpoints: [{path: auth/r/wallets, per_minute: 60}]
        metrics: {enabled: false}
        simulator: {seed: 3, rate: 5}
        shutdown: {drain_timeout: 1s}
        """
        let loaded = try ConfigLoader.load(yaml: yaml, file: "rl.yaml", environment: [:])
        let runtime = Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, serveHTTP: false))
        try await runtime.start()
        let client = try #require(await runtime.restClients["demo"])
        #expect(client.configuration.rateLimits.perMinute(endpoint: "auth/r/wallets", authenticated: true) == 60)
        for _ in 0..<11 { _ = try await runtime.restCall(path: "auth/r/positions", key: "demo") }
        let positionWaits = client.rateLimitWaits(endpoint: "auth/r/positions")
        for _ in 0..<10 { _ = try await runtime.restCall(path: "auth/r/wallets", key: "demo") }
        let walletWaitsWithinBurst = client.rateLimitWaits(endpoint: "auth/r/wallets")
        _ = try await runtime.restCall(path: "auth/r/wallets", key: "demo")
        let walletWaits = client.rateLimitWaits(endpoint: "auth/r/wallets")
        let integrity = await runtime.integrity()
        await runtime.stop()
        #expect(positionWaits == 0)
        #expect(walletWaitsWithinBurst == 0)
        #expect(walletWaits >= 1, "the 11th wallets call should have waited for its endpoint bucket")
        #expect(integrity["restRateLimitHits"] == 0)
    }
}
