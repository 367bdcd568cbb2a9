import BfxTestSupport
import BfxProtocol
import Testing
@testable import BfxSimulator

@Suite("Authentication and nonces", .timeLimit(.minutes(1)))
struct AuthTests {
    @Test func successSendsSnapshots() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            let nonces = TestNonce()
            let auth = try await ws.auth(nonce: nonces.next())
            #expect(auth["status"]?.string == "OK")
            #expect(auth["chanId"]?.int == 0)
            #expect(auth["userId"]?.int == 7)
            #expect(auth["caps"]?["orders"]?["write"]?.int == 1)
            for type in ["os", "ps", "ws", "fos", "fcs", "fls", "bu"] {
                let frame = try await ws.expect(type) { $0[0]?.int == 0 && $0[1]?.string == type }
                #expect(frame[2]?.array != nil)
            }
            let wallets = try #require(ws.all.compactMap { try? JSONValue.parse($0) }.first { $0[1]?.string == "ws" }?[2]?.array)
            #expect(wallets.contains { $0[0]?.string == "exchange" && $0[1]?.string == "USD" && $0[2]?.double == 100_000 })
            #expect(wallets.allSatisfy { $0.array?.count == 7 })
            await ws.close()
        }
    }

    @Test func failures() async throws {
        try await withSimulator { sim in
            let nonces = TestNonce()
            let ws = try await TestWS.open(sim)
            // unknown key
            let unknown = try await ws.auth(key: "nope", nonce: nonces.next())
            #expect(unknown.serialized() == #"{"event":"auth","status":"FAILED","chanId":0,"code":10100,"msg":"apikey: invalid"}"#)
            // bad signature
            let badSig = try await ws.auth(secret: "wrong", nonce: nonces.next())
            #expect(badSig["status"]?.string == "FAILED")
            #expect(badSig["code"]?.int == 10100)
            #expect(badSig["msg"]?.string == "apikey: digest invalid")
            // too large
            let big = try await ws.auth(nonce: 9_007_199_254_740_992)
            #expect(big["code"]?.int == 10114)
            // ok, then small on a second connection
            let n = nonces.next()
            #expect(try await ws.auth(nonce: n)["status"]?.string == "OK")
            let ws2 = try await TestWS.open(sim)
            let small = try await ws2.auth(nonce: n)
            #expect(small.serialized() == #"{"event":"auth","status":"FAILED","chanId":0,"code":10114,"msg":"nonce: small"}"#)
            // a bad signature does not consume the nonce
            let n2 = nonces.next()
            _ = try await ws2.auth(secret: "wrong", nonce: n2)
            #expect(try await ws2.auth(nonce: n2)["status"]?.string == "OK")
            // injected rejection
            let ws3 = try await TestWS.open(sim)
            await sim.inject(.rejectNextNonce(apiKey: TestKeys.key))
            #expect(try await ws3.auth(nonce: nonces.next())["code"]?.int == 10114)
            #expect(try await ws3.auth(nonce: nonces.next())["status"]?.string == "OK")
            let stats = try #require(await sim.stats().nonces[TestKeys.key])
            #expect(stats.accepted == 3)
            #expect(stats.outOfOrder == 1)
            #expect(stats.rejected == 5) // bad sig x2, too big, small, injected
            #expect(await sim.acceptedNonces(apiKey: TestKeys.key).count == 3)
            for socket in [ws, ws2, ws3] { await socket.close() }
        }
    }

    @Test func nonceSharedBetweenRESTAndWebSocket() async throws {
        try await withSimulator { sim in
            let nonces = TestNonce()
            let restNonce = nonces.next()
            let wsNonce = nonces.next()
            let ws = try await TestWS.open(sim)
            #expect(try await ws.auth(nonce: wsNonce)["status"]?.string == "OK")
            let rest = try await TestHTTP.signed(sim, path: "auth/r/wallets", nonce: restNonce)
            #expect(rest.status == 500)
            #expect(rest.body == #"["error",10114,"nonce: small"]"#)
            let ok = try await TestHTTP.signed(sim, path: "auth/r/wallets", nonce: nonces.next())
            #expect(ok.status == 200)
            let ledger = await sim.acceptedNonces(apiKey: TestKeys.key)
            #expect(ledger == ledger.sorted() && ledger.count == 2)
            await ws.close()
        }
    }

    @Test func concurrentSignedCallsWithOrderedNonces() async throws {
        // Sequential issue per key (what a nonce manager guarantees) → zero rejections.
        try await withSimulator(testConfiguration { $0.restAuthLimit = .init(requests: 10_000, window: .seconds(60)) }) { sim in
            let nonces = TestNonce()
            for _ in 0..<50 {
                let r = try await TestHTTP.signed(sim, path: "auth/r/orders", nonce: nonces.next())
                #expect(r.status == 200)
            }
            let stats = try #require(await sim.stats().nonces[TestKeys.key])
            #expect(stats.accepted == 50 && stats.rejected == 0 && stats.outOfOrder == 0)
        }
    }

    @Test func filterAndDeadManSwitch() async throws {
        try await withSimulator { sim in
            let nonces = TestNonce()
            let ws = try await TestWS.open(sim)
            let auth = try await ws.auth(nonce: nonces.next(), extra: #","dms":4,"filter":["wallet"]"#)
            #expect(auth["status"]?.string == "OK")
            try await ws.expect("ws") { $0[1]?.string == "ws" }
            // with filter ["wallet"] there is no os/ps/bu snapshot
            let types = ws.all.compactMap { try? JSONValue.parse($0) }.compactMap { $0[0]?.int == 0 ? $0[1]?.string : nil }
            #expect(!types.contains("os") && !types.contains("bu"))
            // place an order, then disconnect: dms cancels it (observed on a second session)
            ws.send(#"[0,"on",null,{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.01","price":"1000","cid":1}]"#)
            try await ws.expect("wallet update") { $0[1]?.string == "wu" || $0[1]?.string == "ws" }
            let ws2 = try await TestWS.open(sim)
            #expect(try await ws2.auth(nonce: nonces.next())["status"]?.string == "OK")
            let os = try await ws2.expect("os") { $0[1]?.string == "os" }
            #expect(os[2]?.array?.count == 1)
            await ws.close()
            let oc = try await ws2.expect("oc from dms") { $0[1]?.string == "oc" }
            #expect(oc[2]?[13]?.string == "CANCELED")
            await ws2.close()
        }
    }
}
