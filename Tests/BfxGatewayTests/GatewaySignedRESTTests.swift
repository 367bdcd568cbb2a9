import AsyncHTTPClient
import BfxClient
import BfxProtocol
import BfxTestSupport
import NIOCore
import Synchronization
import Testing
@testable import BfxGateway

extension GatewayIntegrationTests {
    /// Many programs, one key: signed REST through the gateway, re-signed with the key's one
    /// sequential nonce lane. Local nonces need not increase; nothing a local program sends that
    /// should be refused reaches upstream.
    @Suite struct SignedRESTThroughGateway {
        static func post(_ url: String, path: String, key: GatewayAccount.LocalKey, nonce: Int64, body: String,
                         signature: String? = nil) async throws -> (status: Int, body: String) {
            let sig = signature ?? BfxSignature.hmacSHA384Hex(secret: key.secret, message: "/api/v2/\(path)\(nonce)\(body)")
            var request = HTTPClientRequest(url: "\(url)/v2/\(path)")
            request.method = .POST
            request.headers.add(name: "bfx-apikey", value: key.apiKey)
            request.headers.add(name: "bfx-nonce", value: String(nonce))
            request.headers.add(name: "bfx-signature", value: sig)
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 22)))
        }

        @Test func concurrentProgramsWithStaleNoncesGetZeroNonceErrors() async throws {
            // budgets large enough for 200 calls: this test is about nonces, not rate limits
            let limits = RESTRateLimits(authPerMinute: 60_000, publicPerMinute: 60_000, overrides: [:])
            try await GatewayFixture.with(restLimits: limits, account: true) { fx in
                let url = fx.gateway.restURL
                // the upstream authenticated session already used one nonce of the key (WS auth)
                let before = await fx.simulator.stats().nonces[GatewayFixture.Keys.upstream.apiKey]?.accepted ?? 0
                let errors = Locked<[String]>([])
                // 8 "programs" × 25 calls, every one signing with nonces that repeat and go down
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for program in 0..<8 {
                        group.addTask {
                            for call in 0..<25 {
                                let nonce = Int64(1_000 + (25 - call) * 8 + program)  // decreasing, overlapping across programs
                                let result: (status: Int, body: String)
                                if call % 5 == 0 {
                                    let body = "{\"type\":\"EXCHANGE LIMIT\",\"symbol\":\"tBTCUSD\",\"amount\":\"0.001\",\"price\":\"1000\",\"cid\":\(program * 1000 + call)}"
                                    result = try await Self.post(url, path: "auth/w/order/submit", key: GatewayFixture.Keys.trader, nonce: nonce, body: body)
                                } else {
                                    let key = program % 2 == 0 ? GatewayFixture.Keys.trader : GatewayFixture.Keys.reader
                                    result = try await Self.post(url, path: "auth/r/wallets", key: key, nonce: nonce + 100_000, body: "{}")
                                }
                                if result.status != 200 || result.body.contains("10114") { errors.withLock { $0.append("\(result.status) \(result.body)") } }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                #expect(errors.withLock { $0 }.isEmpty, "errors: \(errors.withLock { $0.prefix(3) })")
                let ledger = try #require(await fx.simulator.stats().nonces[GatewayFixture.Keys.upstream.apiKey])
                #expect(ledger.accepted - before == 200)
                #expect(ledger.rejected == 0)
                #expect(ledger.outOfOrder == 0)
                let nonces = await fx.simulator.acceptedNonces(apiKey: GatewayFixture.Keys.upstream.apiKey)
                #expect(nonces == nonces.sorted() && Set(nonces).count == nonces.count, "strictly increasing upstream")
                let audit = fx.gateway.auditLog(limit: 1_000)
                #expect(audit.count == 200)
                #expect(audit.allSatisfy { $0.outcome == "forwarded" && $0.upstreamNonce != nil })
            }
        }

        @Test func refusedRequestsGetBitfinexErrorsAndNeverReachUpstream() async throws {
            try await GatewayFixture.with(account: true, { $0.maxBodyBytes = 1_024 }) { fx in
                let url = fx.gateway.restURL
                let before = await fx.simulator.stats().nonces[GatewayFixture.Keys.upstream.apiKey]?.accepted ?? 0
                let trader = GatewayFixture.Keys.trader
                let reader = GatewayFixture.Keys.reader
                let unknown = GatewayAccount.LocalKey(name: "x", apiKey: "nobody", secret: BfxSecret("whatever-secret"), permissions: [.read])
                let badSig = try await Self.post(url, path: "auth/r/wallets", key: trader, nonce: 5, body: "{}", signature: String(repeating: "a", count: 96))
                #expect(badSig.status == 500 && badSig.body == "[\"error\",10100,\"apikey: digest invalid\"]")
                let noKey = try await Self.post(url, path: "auth/r/wallets", key: unknown, nonce: 5, body: "{}")
                #expect(noKey.status == 500 && noKey.body == "[\"error\",10100,\"apikey: invalid\"]")
                let readOnly = try await Self.post(url, path: "auth/w/order/submit", key: reader, nonce: 6, body: "{}")
                #expect(readOnly.status == 500 && readOnly.body.contains("10001"))
                let withdraw = try await Self.post(url, path: "auth/w/withdraw", key: trader, nonce: 7, body: "{}")
                #expect(withdraw.status == 500 && withdraw.body.contains("permission"))
                let big = try await Self.post(url, path: "auth/r/wallets", key: trader, nonce: 8, body: "{\"pad\":\"" + String(repeating: "x", count: 4_096) + "\"}")
                #expect(big.status == 400 && big.body.contains("10020"))
                #expect(await fx.simulator.stats().nonces[GatewayFixture.Keys.upstream.apiKey]?.accepted ?? 0 == before, "nothing reached upstream")
                // accepted once, then the exact same request is a replay
                let first = try await Self.post(url, path: "auth/r/wallets", key: trader, nonce: 9, body: "{}")
                #expect(first.status == 200)
                let replay = try await Self.post(url, path: "auth/r/wallets", key: trader, nonce: 9, body: "{}")
                #expect(replay.status == 500 && replay.body.contains("replayed"))
                // an empty body is allowed (signed as empty) and forwarded
                let empty = try await Self.post(url, path: "auth/r/wallets", key: trader, nonce: 10, body: "")
                #expect(empty.status == 200, "\(empty.body)")
                let ledger = try #require(await fx.simulator.stats().nonces[GatewayFixture.Keys.upstream.apiKey])
                #expect(ledger.accepted - before == 2 && ledger.rejected == 0)
                let audit = fx.gateway.auditLog()
                #expect(Set(audit.map(\.outcome)).isSuperset(of: ["bad_signature", "unknown_key", "permission", "body_too_large", "replayed", "forwarded"]))
                for entry in audit {
                    let text = "\(entry)"
                    #expect(!text.contains("secret") && !text.contains("upstream-key"))
                }
            }
        }

        @Test func anExhaustedBudgetIsAnsweredLocally() async throws {
            try await GatewayFixture.with(restLimits: RESTRateLimits(authPerMinute: 6, publicPerMinute: 30, overrides: [:]), account: true,
                                          { $0.restWait = .zero }) { fx in
                let url = fx.gateway.restURL
                let first = try await Self.post(url, path: "auth/r/orders", key: GatewayFixture.Keys.trader, nonce: 1, body: "{}")
                #expect(first.status == 200)
                let second = try await Self.post(url, path: "auth/r/orders", key: GatewayFixture.Keys.trader, nonce: 2, body: "{}")
                #expect(second.status == 429)
                #expect(second.body == "[\"error\",11010,\"ratelimit: error\"]")
                #expect(await fx.simulator.stats().restRequests["rateLimited"] == nil, "the gateway never tripped the upstream limit")
            }
        }
    }
}

extension GatewayIntegrationTests.SignedRESTThroughGateway {
    /// One local program floods (1,000 signed calls at once, default budgets): the excess is
    /// answered 429 locally, upstream never rate-limits the key, and another program's calls still
    /// go through in between. A correctly signed but malformed JSON body is forwarded and
    /// Bitfinex's own answer comes back verbatim.
    @Test func aFloodingProgramCostsOnlyItselfAndMalformedBodiesAreAnsweredUpstream() async throws {
        try await GatewayFixture.with(account: true, { $0.restWait = .milliseconds(200) }) { fx in
            let url = fx.gateway.restURL
            let statuses = Locked<[Int: Int]>([:])
            let flood = Task {
                await withTaskGroup(of: Int.self) { group in
                    for n in 0..<1_000 {
                        group.addTask {
                            (try? await Self.post(url, path: "auth/r/wallets", key: GatewayFixture.Keys.reader, nonce: Int64(10_000 + n), body: "{}"))?.status ?? -1
                        }
                    }
                    for await status in group { statuses.withLock { $0[status, default: 0] += 1 } }
                }
            }
            // meanwhile another program's order path has its own endpoint budget
            let order = try await Self.post(url, path: "auth/w/order/submit", key: GatewayFixture.Keys.trader, nonce: 1,
                                            body: "{\"type\":\"EXCHANGE LIMIT\",\"symbol\":\"tBTCUSD\",\"amount\":\"0.001\",\"price\":\"1000\",\"cid\":4242}")
            #expect(order.status == 200, "\(order.body)")
            await flood.value
            let counts = statuses.withLock { $0 }
            #expect(counts[429, default: 0] > 0, "the flood met the shared budget: \(counts)")
            #expect(counts[200, default: 0] > 0)
            #expect(counts.keys.allSatisfy { $0 == 200 || $0 == 429 }, "\(counts)")
            #expect(await fx.simulator.stats().restRequests["rateLimited"] == nil, "upstream never rate-limited the key")
            let malformed = try await Self.post(url, path: "auth/w/order/submit", key: GatewayFixture.Keys.trader, nonce: 2, body: "{not json")
            #expect(malformed.body.contains("error"), "Bitfinex's answer, verbatim: \(malformed.status) \(malformed.body)")
            let ledger = try #require(await fx.simulator.stats().nonces[GatewayFixture.Keys.upstream.apiKey])
            #expect(ledger.rejected == 0)
        }
    }
}
