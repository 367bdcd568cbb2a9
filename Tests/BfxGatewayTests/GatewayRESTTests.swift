import AsyncHTTPClient
import BfxClient
import BfxProtocol
import BfxTestSupport
import NIOCore
import Testing
@testable import BfxGateway

extension GatewayIntegrationTests {
    /// Public REST through one shared budget: verbatim answers, a local 429 with Bitfinex's body
    /// when the budget is spent, and optional caching.
    @Suite struct PublicRESTProxy {
        static func get(_ url: String) async throws -> (status: Int, body: String, cache: String?) {
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 22)
            return (Int(response.status.code), String(buffer: body), response.headers.first(name: "x-bfxkit-cache"))
        }

        @Test func answersVerbatimAndRateLimitsLocally() async throws {
            // 6 per minute: a bucket of one token, the next in 10 s; the gateway waits at most 0
            try await GatewayFixture.with(restLimits: RESTRateLimits(publicPerMinute: 6, overrides: [:]), { $0.restWait = .zero }) { fx in
                let direct = try await Self.get(fx.simulator.restURL + "/ticker/tBTCUSD")
                let first = try await Self.get(fx.gateway.restURL + "/v2/ticker/tBTCUSD")
                #expect(first.status == 200)
                #expect(first.body.hasPrefix("["))
                #expect(first.body.split(separator: ",").count == direct.body.split(separator: ",").count)
                let second = try await Self.get(fx.gateway.restURL + "/v2/ticker/tBTCUSD")
                #expect(second.status == 429)
                #expect(second.body == "[\"error\",11010,\"ratelimit: error\"]")
                #expect(fx.gateway.restStats.limited == 1)
                let unknown = try await Self.get(fx.gateway.restURL + "/v2/platform/status")
                #expect(unknown.status == 200, "budgets are per endpoint")
            }
        }

        @Test func cacheRulesServeRepeatedCallsLocally() async throws {
            try await GatewayFixture.with({ $0.restCache = [.init(path: "platform/status", ttl: .seconds(60))] }) { fx in
                let first = try await Self.get(fx.gateway.restURL + "/v2/platform/status")
                let second = try await Self.get(fx.gateway.restURL + "/v2/platform/status")
                #expect(first.status == 200 && second.status == 200)
                #expect(first.body == second.body)
                #expect(first.cache == nil)
                #expect(second.cache == "hit")
                #expect(fx.gateway.restStats.forwarded == 1)
                #expect(fx.gateway.restStats.cached == 1)
            }
        }
    }
}
