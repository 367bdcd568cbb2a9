import BfxTestSupport
import BfxProtocol
import Testing
@testable import BfxSimulator

@Suite("Account engine", .timeLimit(.minutes(1)))
struct AccountTests {
    func authed(_ sim: BfxSimulator, _ nonces: TestNonce) async throws -> TestWS {
        let ws = try await TestWS.open(sim)
        #expect(try await ws.auth(nonce: nonces.next())["status"]?.string == "OK")
        try await ws.expect("bu snapshot") { $0[1]?.string == "bu" }
        return ws
    }

    @Test func restingOrderUpdateCancel() async throws {
        try await withSimulator { sim in
            let ws = try await authed(sim, TestNonce())
            ws.send(#"[0,"on",null,{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.5","price":"30000","cid":42,"gid":3}]"#)
            let n = try await ws.expect("on-req") { $0[1]?.string == "n" }
            #expect(n[2]?[1]?.string == "on-req")
            #expect(n[2]?[6]?.string == "SUCCESS")
            #expect(n[2]?[4]?.array?.count == 32)
            #expect(n[2]?[4]?[2]?.int == 42)
            let on = try await ws.expect("on") { $0[1]?.string == "on" }
            let row = try #require(on[2]?.array)
            #expect(row.count == 32)
            #expect(row[3].string == "tBTCUSD")
            #expect(row[6].double == 0.5 && row[7].double == 0.5)
            #expect(row[8].string == "EXCHANGE LIMIT")
            #expect(row[13].string == "ACTIVE")
            #expect(row[16].double == 30000)
            #expect(row[28].string == "API>BFX")
            let id = try #require(row[0].int64)
            // the order rests in the public book (R0 shows it by id)
            let book = try #require(await sim.book(symbol: "tBTCUSD", prec: "R0", len: 250))
            #expect(book.bids.contains { $0.id == id } || book.bids.count == 250)

            ws.send("[0,\"ou\",null,{\"id\":\(id),\"price\":\"31000\",\"amount\":\"0.4\"}]")
            let ouReq = try await ws.expect("ou-req") { $0[1]?.string == "n" && $0[2]?[1]?.string == "ou-req" }
            #expect(ouReq[2]?[6]?.string == "SUCCESS")
            let ou = try await ws.expect("ou") { $0[1]?.string == "ou" }
            #expect(ou[2]?[16]?.double == 31000)
            #expect(ou[2]?[6]?.double == 0.4)

            ws.send("[0,\"oc\",null,{\"id\":\(id)}]")
            let ocReq = try await ws.expect("oc-req") { $0[1]?.string == "n" && $0[2]?[1]?.string == "oc-req" }
            #expect(ocReq[2]?[6]?.string == "SUCCESS")
            let oc = try await ws.expect("oc") { $0[1]?.string == "oc" }
            #expect(oc[2]?[13]?.string == "CANCELED")

            ws.send("[0,\"oc\",null,{\"id\":\(id)}]")
            let missing = try await ws.expect("oc-req error") { $0[1]?.string == "n" && $0[2]?[1]?.string == "oc-req" }
            #expect(missing[2]?[6]?.string == "ERROR")
            #expect(missing[2]?[7]?.string == "Order not found.")
            await ws.close()
        }
    }

    @Test func marketableOrderFillsAgainstBook() async throws {
        try await withSimulator { sim in
            let ws = try await authed(sim, TestNonce())
            let bookBefore = try #require(await sim.book(symbol: "tBTCUSD", prec: "R0", len: 250))
            let bestAsk = try #require(bookBefore.asks.first)
            ws.send(#"[0,"on",null,{"type":"EXCHANGE MARKET","symbol":"tBTCUSD","amount":"0.0005","cid":9}]"#)
            try await ws.expect("on-req") { $0[1]?.string == "n" && $0[2]?[6]?.string == "SUCCESS" }
            let oc = try await ws.expect("oc executed") { $0[1]?.string == "oc" }
            #expect(oc[2]?[13]?.string?.hasPrefix("EXECUTED @ ") == true)
            #expect(oc[2]?[6]?.double == 0)
            let te = try await ws.expect("te") { $0[1]?.string == "te" }
            #expect(te[2]?.array?.count == 12)
            #expect(te[2]?[4]?.double == 0.0005)
            #expect(te[2]?[5]?.string == nil && te[2]?[5]?.number?.text == bestAsk.price)
            #expect(te[2]?[8]?.int == -1)
            #expect(te[2]?[9]?.isNull == true)
            try await ws.expect("wu") { $0[1]?.string == "wu" }
            let tu = try await ws.expect("tu") { $0[1]?.string == "tu" }
            #expect(tu[2]?[9]?.double.map { $0 < 0 } == true)
            #expect(tu[2]?[10]?.string == "USD")
            await ws.close()
        }
    }

    @Test func errorsInsufficientBalanceInvalidAmountAndReadOnly() async throws {
        try await withSimulator { sim in
            let nonces = TestNonce()
            let ws = try await authed(sim, nonces)
            ws.send(#"[0,"on",null,{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"1000","price":"60000","cid":1}]"#)
            let poor = try await ws.expect("insufficient") { $0[1]?.string == "n" }
            #expect(poor[2]?[6]?.string == "ERROR")
            #expect(poor[2]?[7]?.string?.contains("not enough exchange balance") == true)
            ws.send(#"[0,"on",null,{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0","price":"60000","cid":2}]"#)
            let zero = try await ws.expect("invalid amount") { $0[1]?.string == "n" }
            #expect(zero[2]?[7]?.string == "Invalid order: amount")
            ws.send(#"[0,"ou",null,{"id":123,"price":"1"}]"#)
            let unknown = try await ws.expect("unknown id") { $0[1]?.string == "n" }
            #expect(unknown[2]?[1]?.string == "ou-req" && unknown[2]?[6]?.string == "ERROR")
            await ws.close()

            let ro = try await TestWS.open(sim)
            #expect(try await ro.auth(key: TestKeys.readOnlyKey, nonce: nonces.next())["status"]?.string == "OK")
            ro.send(#"[0,"on",null,{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.1","price":"100","cid":3}]"#)
            let denied = try await ro.expect("denied") { $0[1]?.string == "n" }
            #expect(denied[2]?[6]?.string == "ERROR")
            await ro.close()
        }
    }

    @Test func cancelMultiMultiOpCalcAndFunding() async throws {
        try await withSimulator { sim in
            let ws = try await authed(sim, TestNonce())
            ws.send(#"[0,"ox_multi",null,[["on",{"type":"EXCHANGE LIMIT","symbol":"tETHUSD","amount":"1","price":"100","cid":11}],["on",{"type":"EXCHANGE LIMIT","symbol":"tETHUSD","amount":"1","price":"101","cid":12,"gid":5}]]]"#)
            try await ws.expect("on 1") { $0[1]?.string == "on" && $0[2]?[2]?.int == 11 }
            try await ws.expect("on 2") { $0[1]?.string == "on" && $0[2]?[2]?.int == 12 }
            ws.send(#"[0,"oc_multi",null,{"gid":[5]}]"#)
            let req = try await ws.expect("oc_multi-req") { $0[1]?.string == "n" && $0[2]?[1]?.string == "oc_multi-req" }
            #expect(req[2]?[4]?.array?.count == 1)
            try await ws.expect("oc 12") { $0[1]?.string == "oc" && $0[2]?[2]?.int == 12 }
            ws.send(#"[0,"oc_multi",null,{"all":1}]"#)
            try await ws.expect("oc 11") { $0[1]?.string == "oc" && $0[2]?[2]?.int == 11 }

            ws.send(#"[0,"calc",null,[["wallet_exchange_USD"],["balance"]]]"#)
            try await ws.expect("wu from calc") { $0[1]?.string == "wu" && $0[2]?[1]?.string == "USD" }
            try await ws.expect("bu from calc") { $0[1]?.string == "bu" }

            ws.send(#"[0,"fon",null,{"type":"LIMIT","symbol":"fUSD","amount":"100","rate":"0.0002","period":2,"flags":0}]"#)
            let fonReq = try await ws.expect("fon-req") { $0[1]?.string == "n" && $0[2]?[1]?.string == "fon-req" }
            #expect(fonReq[2]?[6]?.string == "SUCCESS")
            let fon = try await ws.expect("fon") { $0[1]?.string == "fon" }
            #expect(fon[2]?.array?.count == 21)
            let offerId = try #require(fon[2]?[0]?.int64)
            ws.send("[0,\"foc\",null,{\"id\":\(offerId)}]")
            let foc = try await ws.expect("foc") { $0[1]?.string == "foc" }
            #expect(foc[2]?[10]?.string == "CANCELED")
            await ws.close()
        }
    }

    @Test func orderRateLimit() async throws {
        try await withSimulator(testConfiguration { $0.orderRateLimit = 2 }) { sim in
            let ws = try await authed(sim, TestNonce())
            for cid in 1...3 {
                ws.send("[0,\"on\",null,{\"type\":\"EXCHANGE LIMIT\",\"symbol\":\"tBTCUSD\",\"amount\":\"0.01\",\"price\":\"100\",\"cid\":\(cid)}]")
            }
            try await ws.expect("ok 1") { $0[1]?.string == "n" && $0[2]?[6]?.string == "SUCCESS" }
            try await ws.expect("ok 2") { $0[1]?.string == "n" && $0[2]?[6]?.string == "SUCCESS" }
            let limited = try await ws.expect("limited") { $0[1]?.string == "n" && $0[2]?[6]?.string == "ERROR" }
            #expect(limited[2]?[7]?.string == "Order rate limit exceeded")
            await ws.close()
        }
    }

    @Test func generatedTakersFillRestingUserOrders() async throws {
        try await withSimulator { sim in
            let ws = try await authed(sim, TestNonce())
            let book = try #require(await sim.book(symbol: "tBTCUSD", prec: "P0", len: 1))
            let bidText = try #require(book.bids.first?.price)
            let askText = try #require(book.asks.first?.price)
            let bestBid = try #require(Int(bidText))
            let bestAsk = try #require(Int(askText))
            // improve the best bid without crossing: generated sellers will hit it first
            let price = bestBid + 1 < bestAsk ? bestBid + 1 : bestBid
            ws.send("[0,\"on\",null,{\"type\":\"EXCHANGE LIMIT\",\"symbol\":\"tBTCUSD\",\"amount\":\"1\",\"price\":\"\(price)\",\"cid\":77}]")
            try await ws.expect("on") { $0[1]?.string == "on" }
            for _ in 0..<40 {
                await sim.step(20)
                if ws.pending.contains(where: { $0.contains("\"te\"") }) { break }
            }
            let te = try await ws.expect("maker te") { $0[1]?.string == "te" }
            #expect(te[2]?[8]?.int == 1, "maker flag")
            let updates = ws.all.compactMap { try? JSONValue.parse($0) }
                .filter { ($0[1]?.string == "ou" || $0[1]?.string == "oc") && $0[2]?[2]?.int == 77 }
            #expect(!updates.isEmpty, "the filled order was updated or closed")
            await ws.close()
        }
    }
}
