import BfxTestSupport
import BfxProtocol
import Testing
@testable import BfxSimulator

@Suite("REST", .timeLimit(.minutes(1)))
struct RESTTests {
    @Test func publicEndpoints() async throws {
        try await withSimulator { sim in
            let status = try await TestHTTP.request("\(sim.restURL)/platform/status")
            #expect(status.status == 200 && status.body == "[1]")
            let tickers = try await TestHTTP.request("\(sim.restURL)/tickers?symbols=tBTCUSD,fUSD")
            let list = try #require(try JSONValue.parse(tickers.body).array)
            #expect(list.count == 2)
            #expect(list[0][0]?.string == "tBTCUSD" && list[0].array?.count == 11)
            #expect(list[1][0]?.string == "fUSD" && list[1].array?.count == 17)
            let ticker = try await TestHTTP.request("\(sim.restURL)/ticker/tETHUSD")
            #expect(try JSONValue.parse(ticker.body).array?.count == 10)
            let trades = try await TestHTTP.request("\(sim.restURL)/trades/tBTCUSD/hist?limit=10")
            let rows = try #require(try JSONValue.parse(trades.body).array)
            #expect(rows.count == 10)
            let mts = rows.compactMap { $0[1]?.int64 }
            #expect(mts == mts.sorted(by: >))
            let book = try await TestHTTP.request("\(sim.restURL)/book/tBTCUSD/P0?len=25")
            let bookRows = try #require(try JSONValue.parse(book.body).array)
            #expect(bookRows.count == 50)
            let server = try #require(await sim.book(symbol: "tBTCUSD"))
            #expect(bookRows.first?[0]?.number?.text == server.bids.first?.price)
            let candles = try await TestHTTP.request("\(sim.restURL)/candles/trade:1m:tBTCUSD/hist?limit=5")
            let candleRows = try #require(try JSONValue.parse(candles.body).array)
            #expect(candleRows.count == 5 && candleRows.allSatisfy { $0.array?.count == 6 })
            let bad = try await TestHTTP.request("\(sim.restURL)/ticker/tNOPE")
            #expect(bad.status == 500 && bad.body.hasPrefix("[\"error\","))
        }
    }

    @Test func signedEndpointsAndErrors() async throws {
        try await withSimulator { sim in
            let nonces = TestNonce()
            let wallets = try await TestHTTP.signed(sim, path: "auth/r/wallets", nonce: nonces.next())
            #expect(wallets.status == 200)
            #expect(try JSONValue.parse(wallets.body).array?.first?.array?.count == 7)

            let submit = try await TestHTTP.signed(sim, path: "auth/w/order/submit",
                body: #"{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.1","price":"1000","cid":5}"#, nonce: nonces.next())
            #expect(submit.status == 200)
            let note = try JSONValue.parse(submit.body)
            #expect(note[1]?.string == "on-req" && note[6]?.string == "SUCCESS")
            let row = try #require(note[4]?[0]?.array)
            #expect(row.count == 32)
            let id = try #require(row[0].int64)

            let orders = try await TestHTTP.signed(sim, path: "auth/r/orders", nonce: nonces.next())
            #expect(try JSONValue.parse(orders.body).array?.first?[0]?.int64 == id)
            let update = try await TestHTTP.signed(sim, path: "auth/w/order/update", body: "{\"id\":\(id),\"price\":\"1100\"}", nonce: nonces.next())
            #expect(try JSONValue.parse(update.body)[6]?.string == "SUCCESS")
            let cancel = try await TestHTTP.signed(sim, path: "auth/w/order/cancel", body: "{\"id\":\(id)}", nonce: nonces.next())
            #expect(try JSONValue.parse(cancel.body)[1]?.string == "oc-req")
            let multi = try await TestHTTP.signed(sim, path: "auth/w/order/multi",
                body: #"{"ops":[["on",{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.1","price":"1000","cid":6}]]}"#, nonce: nonces.next())
            #expect(try JSONValue.parse(multi.body)[1]?.string == "ox_multi-req")
            let cancelAll = try await TestHTTP.signed(sim, path: "auth/w/order/cancel/multi", body: #"{"all":1}"#, nonce: nonces.next())
            #expect(try JSONValue.parse(cancelAll.body)[4]?.array?.count == 1)
            let positions = try await TestHTTP.signed(sim, path: "auth/r/positions", nonce: nonces.next())
            #expect(positions.body == "[]")
            let trades = try await TestHTTP.signed(sim, path: "auth/r/trades/hist", nonce: nonces.next())
            #expect(trades.status == 200)

            // errors
            let badKey = try await TestHTTP.signed(sim, path: "auth/r/wallets", nonce: nonces.next(), key: "nope")
            #expect(badKey.status == 500 && badKey.body == #"["error",10100,"apikey: invalid"]"#)
            let badSig = try await TestHTTP.signed(sim, path: "auth/r/wallets", nonce: nonces.next(), secret: "wrong")
            #expect(badSig.status == 500 && badSig.body.contains("10100"))
            let old = try await TestHTTP.signed(sim, path: "auth/r/wallets", nonce: 5)
            #expect(old.status == 500 && old.body == #"["error",10114,"nonce: small"]"#)
            let missing = try await TestHTTP.request("\(sim.restURL)/auth/r/wallets", method: .POST, body: "{}")
            #expect(missing.status == 500)
            // body bytes must be the signed bytes
            let n = nonces.next()
            let sig = BfxSignature.hmacSHA384Hex(secret: BfxSecret(TestKeys.secret), message: "/api/v2/auth/r/wallets\(n){}")
            let tampered = try await TestHTTP.request("\(sim.restURL)/auth/r/wallets", method: .POST,
                headers: [("bfx-nonce", "\(n)"), ("bfx-apikey", TestKeys.key), ("bfx-signature", sig)], body: "{ }")
            #expect(tampered.status == 500)
        }
    }

    @Test func perEndpointRateLimit() async throws {
        try await withSimulator(testConfiguration { $0.restPublicLimit = .init(requests: 3, window: .seconds(60)) }) { sim in
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await TestHTTP.request("\(sim.restURL)/ticker/tBTCUSD").status) }
            #expect(statuses == [200, 200, 200, 429])
            let limited = try await TestHTTP.request("\(sim.restURL)/ticker/tBTCUSD")
            #expect(limited.body == #"{"error":"ERR_RATE_LIMIT"}"#)
            // another endpoint has its own budget
            #expect(try await TestHTTP.request("\(sim.restURL)/trades/tBTCUSD/hist").status == 200)
            #expect(await sim.stats().restRequests["rateLimited"] == 2)
        }
    }

    @Test func maintenanceAnswers20060() async throws {
        try await withSimulator { sim in
            await sim.inject(.maintenance(duration: .seconds(30)))
            let r = try await TestHTTP.signed(sim, path: "auth/r/wallets", nonce: TestNonce().next())
            #expect(r.status == 500 && r.body == #"["error",20060,"maintenance"]"#)
            #expect(try await TestHTTP.request("\(sim.restURL)/platform/status").body == "[0]")
        }
    }

    @Test func controlEndpoints() async throws {
        try await withSimulator { sim in
            let state = try await TestHTTP.request("\(sim.controlURL)/state")
            #expect(state.status == 200)
            #expect(try JSONValue.parse(state.body)["connections"]?.int == 0)
            let fault = try await TestHTTP.request("\(sim.controlURL)/fault", method: .POST, body: #"{"fault":"restErrors","count":2}"#)
            #expect(fault.status == 200)
            #expect(try await TestHTTP.request("\(sim.restURL)/ticker/tBTCUSD").status == 500)
            #expect(try await TestHTTP.request("\(sim.restURL)/ticker/tBTCUSD").status == 500)
            #expect(try await TestHTTP.request("\(sim.restURL)/ticker/tBTCUSD").status == 200)
            let burst = try await TestHTTP.request("\(sim.controlURL)/fault", method: .POST, body: #"[{"fault":"restRateLimit","count":1}]"#)
            #expect(burst.status == 200)
            #expect(try await TestHTTP.request("\(sim.restURL)/ticker/tBTCUSD").status == 429)
            let bad = try await TestHTTP.request("\(sim.controlURL)/fault", method: .POST, body: #"{"fault":"explode"}"#)
            #expect(bad.status == 400 && bad.body.contains("unknown fault"))
            let book = try await TestHTTP.request("\(sim.controlURL)/book/tBTCUSD?prec=P1&len=25")
            let parsed = try JSONValue.parse(book.body)
            #expect(parsed["checksum"]?.int == Int(try #require(await sim.book(symbol: "tBTCUSD", prec: "P1")).checksum))
            let step = try await TestHTTP.request("\(sim.controlURL)/step?n=5", method: .POST)
            #expect(step.status == 200)
            #expect(await sim.stats().ticks == 5)
            let counts = try JSONValue.parse(try await TestHTTP.request("\(sim.controlURL)/state").body)["faultsInjected"]
            #expect(counts?["rest_error"]?.int == 1 && counts?["rate_limit"]?.int == 1)
        }
    }
}
