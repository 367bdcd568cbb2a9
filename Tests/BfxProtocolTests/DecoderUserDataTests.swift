import Testing
@testable import BfxProtocol

@Suite("FrameDecoder: channel 0 (account data)")
struct DecoderUserDataTests {
    func n(_ s: String) -> WireNumber { WireNumber(s) ?? WireNumber(0) }
    let orderRow = #"[1201469553,0,788,"tBTCUSD",1611922089073,1611922089073,0.001,0.001,"EXCHANGE LIMIT",null,null,null,0,"ACTIVE",null,null,33,0,0,0,null,null,null,0,0,null,null,null,"API>BFX",null,null,null]"#

    func user(_ text: String) throws -> (UserEvent, FrameMeta) {
        var d = FrameDecoder()
        let f = try d.decode(text)
        guard case .user(let e, let m) = f else {
            Issue.record("not user data: \(f)")
            return (.unknown(type: "", data: nil), .none)
        }
        return (e, m)
    }

    @Test("real on-req notification (bitfinex-api-go test sample)")
    func onReqNotification() throws {
        let text = #"[0,"n",[1611922089,"on-req",null,null,[1201469553,0,788,"tBTCUSD",1611922089073,1611922089073,0.001,0.001,"EXCHANGE LIMIT",null,null,null,0,"ACTIVE",null,null,33,0,0,0,null,null,null,0,0,null,null,null,"API>BFX",null,null,null],null,"SUCCESS","Submitting exchange limit buy order for 0.001 BTC."]]"#
        let (e, _) = try user(text)
        guard case .notification(let note) = e else { Issue.record("\(e)"); return }
        #expect(note.mts == 1611922089 && note.type == "on-req" && note.status == "SUCCESS" && note.isSuccess && note.apiError == nil)
        #expect(note.text == "Submitting exchange limit buy order for 0.001 BTC.")
        guard case .order(let o) = note.info else { Issue.record("\(note.info)"); return }
        #expect(o.id == 1201469553 && o.gid == 0 && o.cid == 788 && o.symbol == "tBTCUSD" && o.amount == n("0.001") && o.orderType == "EXCHANGE LIMIT")
        #expect(o.status == "ACTIVE" && o.price == 33 && o.routing == "API>BFX" && note.orderCID == 788)
        #expect(try JSONValue.parse(text)[2] == note.row)  // row() reproduces the wire row
    }

    @Test func notificationVariants() throws {
        let arr = try user(#"[0,"n",[1611922089,"on-req",null,null,[\#(orderRow),\#(orderRow)],null,"SUCCESS","x"]]"#).0
        guard case .notification(let a) = arr, case .orders(let os) = a.info else { Issue.record("\(arr)"); return }
        #expect(os.count == 2)
        let failed = try user(#"[0,"n",[1611922089,"on-req",null,null,[null,null,1234,"tBTCUSD",null,null,0.001,0.001,"EXCHANGE LIMIT",null,null,null,0,null,null,null,33,0,0,0,null,null,null,0,0,null,null,null,null,null,null,null],null,"ERROR","Invalid order: minimum size for BTC/USD is 0.0002"],7]"#)
        guard case .notification(let fnote) = failed.0, case .order(let fo) = fnote.info else { Issue.record("\(failed)"); return }
        #expect(!fnote.isSuccess && fnote.apiError != nil && fo.id == 0 && fo.cid == 1234 && fnote.orderCID == 1234)
        #expect(failed.1 == FrameMeta(authSeq: 7))  // n carries only AUTH_SEQ
        let multi = try user(#"[0,"n",[1,"oc_multi-req",null,null,[[1,0,2,"tBTCUSD",1,1,1,1,"LIMIT"]],null,"SUCCESS","ok"]]"#).0
        guard case .notification(let m) = multi, case .orders(let mo) = m.info else { Issue.record("\(multi)"); return }
        #expect(mo.count == 1 && mo[0].orderType == "LIMIT")
        let ox = try user(#"[0,"n",[1,"ox_multi-req",null,null,[[1,"on-req",null,null,[1],null,"SUCCESS","x"]],null,"SUCCESS","ok"]]"#).0
        guard case .notification(let oxn) = ox, case .value = oxn.info else { Issue.record("\(ox)"); return }
        let fon = try user(#"[0,"n",[1,"fon-req",null,null,[41238905,"fUSD",1573912039000,1573912039000,1000,1000,"LIMIT",null,null,0,"ACTIVE",null,null,null,0.0024,2,0,0,null,0,null],null,"SUCCESS","Submitting funding bid of 1000.0 USD at 0.24000 for 2 days."]]"#).0
        guard case .notification(let fn) = fon, case .fundingOffer(let offer) = fn.info else { Issue.record("\(fon)"); return }
        #expect(offer.id == 41238905 && offer.rate == n("0.0024") && offer.period == 2)
        for type in ["ou-req", "oc-req"] {
            let e = try user(#"[0,"n",[1,"\#(type)",null,null,\#(orderRow),null,"SUCCESS","ok"]]"#).0
            guard case .notification(let x) = e, case .order = x.info else { Issue.record("\(type): \(e)"); continue }
        }
        for type in ["foc-req"] {
            let e = try user(#"[0,"n",[1,"\#(type)",null,null,[41238905,"fUSD",1,1,1000,1000,"LIMIT"],null,"SUCCESS","ok"]]"#).0
            guard case .notification(let x) = e, case .fundingOffer = x.info else { Issue.record("\(type): \(e)"); continue }
        }
        let uca = try user(#"[0,"n",[1575289447641,"uca",null,null,["price:tBTCUSD:7300",null,null,null,null,null],null,"SUCCESS","alert"]]"#).0
        guard case .notification(let u) = uca, case .value = u.info, u.type == "uca" else { Issue.record("\(uca)"); return }
        let ucm = try user(#"[0,"n",[1575289447641,"ucm-test",null,null,{"foo":"bar"},null,"INFO","hello"]]"#).0
        guard case .notification(let c) = ucm, case .value(let v) = c.info else { Issue.record("\(ucm)"); return }
        #expect(v["foo"] == "bar" && c.isSuccess)
    }

    @Test func orders() throws {
        let snap = try user(#"[0,"os",[\#(orderRow)]]"#).0
        guard case .orderSnapshot(let os) = snap else { Issue.record("\(snap)"); return }
        #expect(os.count == 1 && os[0].id == 1201469553)
        #expect(try user(#"[0,"os",[]]"#).0 == .orderSnapshot([]))
        for (abbr, check) in [("on", { (e: UserEvent) in if case .orderNew = e { true } else { false } }),
                              ("ou", { if case .orderUpdate = $0 { true } else { false } }),
                              ("oc", { if case .orderCancel = $0 { true } else { false } })] {
            let (e, m) = try user(#"[0,"\#(abbr)",\#(orderRow),5,9]"#)
            #expect(check(e), "\(abbr)")
            #expect(m == FrameMeta(seq: 5, authSeq: 9))
        }
        let (h, _) = try user(#"[0,"hos",[\#(orderRow)]]"#)
        guard case .historicalOrders(let hs) = h else { Issue.record("\(h)"); return }
        #expect(hs.count == 1)
    }

    @Test func positionsWalletsBalanceMargin() throws {
        let pos = #"["tBTCUSD","ACTIVE",-0.0005,9523.5,0,0,null,null,null,null,null,142355652,1574002216000,1574002216000,null,0,null,0,null,{"reason":"TRADE"}]"#
        let (ps, _) = try user(#"[0,"ps",[\#(pos)]]"#)
        guard case .positionSnapshot(let p) = ps else { Issue.record("\(ps)"); return }
        #expect(p[0].symbol == "tBTCUSD" && p[0].amount == n("-0.0005") && p[0].positionId == 142355652 && p[0].pl == nil && p[0].meta?["reason"] == "TRADE")
        for abbr in ["pn", "pu", "pc"] { _ = try user(#"[0,"\#(abbr)",\#(pos)]"#) }
        let (ws, _) = try user(#"[0,"ws",[["exchange","BTC",0.0010349,0,null,null,null],["margin","USD",100,0,100,"Transfer",{"reason":"TRANSFER"}]]]"#)
        guard case .walletSnapshot(let w) = ws else { Issue.record("\(ws)"); return }
        #expect(w.count == 2 && w[0].walletType == "exchange" && w[0].balanceAvailable == nil && w[1].descriptionText == "Transfer")
        let (wu, _) = try user(#"[0,"wu",["exchange","BTC",1.5,0,1.5,"Exchange 0.1 BTC for USD @ 7000",{"reason":"TRADE","order_id":1,"trade_price":"7000"}]]"#)
        guard case .walletUpdate(let w1) = wu else { Issue.record("\(wu)"); return }
        #expect(w1.balance == n("1.5") && w1.meta?["trade_price"] == "7000")
        #expect(try user(#"[0,"bu",[4131.85,4131.85]]"#).0 == .balanceUpdate(BalanceInfo(aum: n("4131.85"), aumNet: n("4131.85"))))
        #expect(try user(#"[0,"miu",["base",[-13.014640000000007,0,49331.70267297,49318.68803297,27]]]"#).0
            == .marginInfo(.base(userPL: n("-13.014640000000007"), userSwaps: 0, marginBalance: n("49331.70267297"), marginNet: n("49318.68803297"), marginMin: 27)))
        #expect(try user(#"[0,"miu",["sym","tETHUSD",[149361.09689202666,149639.26293509,830.0182168075556,895.0658432466332,null,null,null,null]]]"#).0
            == .marginInfo(.symbol("tETHUSD", tradableBalance: n("149361.09689202666"), grossBalance: n("149639.26293509"), buy: n("830.0182168075556"), sell: n("895.0658432466332"))))
        #expect(try user(#"[0,"fiu",["sym","fUSD",[0,0.0002,0,2.5]]]"#).0 == .fundingInfo(FundingInfo(symbol: "fUSD", yieldLoan: 0, yieldLend: n("0.0002"), durationLoan: 0, durationLend: n("2.5"))))
    }

    @Test func tradesAndFunding() throws {
        let (te, _) = try user(#"[0,"te",[402088407,"tETHUST",1574963975602,34938060782,-0.2,153.57,"MARKET",0,-1,null,null,0]]"#)
        guard case .tradeExecuted(let t) = te else { Issue.record("\(te)"); return }
        #expect(t.id == 402088407 && t.orderId == 34938060782 && t.maker == -1 && t.fee == nil && t.cid == 0)
        let (tu, _) = try user(#"[0,"tu",[402088407,"tETHUST",1574963975602,34938060782,-0.2,153.57,"MARKET",0,-1,-0.061668,"USD",0]]"#)
        guard case .tradeUpdate(let u) = tu else { Issue.record("\(tu)"); return }
        #expect(u.fee == n("-0.061668") && u.feeCurrency == "USD")
        let (fte, _) = try user(#"[0,"fte",[636040,"fUST",1574077517000,41237922,-100,0.0024,2,null]]"#)
        #expect(fte == .fundingTradeExecuted(AccountFundingTrade(id: 636040, symbol: "fUST", mtsCreate: 1574077517000, offerId: 41237922, amount: -100, rate: n("0.0024"), period: 2, maker: nil)))
        _ = try user(#"[0,"ftu",[636040,"fUST",1574077517000,41237922,-100,0.0024,2,1]]"#)
        let offer = #"[41238905,"fUSD",1573912039000,1573912039000,1000,1000,"LIMIT",null,null,0,"ACTIVE",null,null,null,0.0024,2,0,0,null,0,null]"#
        let (fos, _) = try user(#"[0,"fos",[\#(offer)]]"#)
        guard case .fundingOfferSnapshot(let fo) = fos else { Issue.record("\(fos)"); return }
        #expect(fo[0].status == "ACTIVE" && fo[0].renew == 0)
        for abbr in ["fon", "fou", "foc"] { _ = try user(#"[0,"\#(abbr)",\#(offer)]"#) }
        let credit = #"[26222883,"fUSD",1,1574013661000,1574079687000,350,0,"ACTIVE",null,null,null,0.0024,2,1574013661000,1574078487000,0,0,null,0,null,0,"tBTCUSD"]"#
        let (fcs, _) = try user(#"[0,"fcs",[\#(credit)]]"#)
        guard case .fundingCreditSnapshot(let fc) = fcs else { Issue.record("\(fcs)"); return }
        #expect(fc[0].positionPair == "tBTCUSD" && fc[0].side == 1 && fc[0].rate == n("0.0024"))
        for abbr in ["fcn", "fcu", "fcc"] { _ = try user(#"[0,"\#(abbr)",\#(credit)]"#) }
        let loan = #"[13683223,"fUSD",-1,1574013661000,1574079687000,100,0,"ACTIVE","FIXED",null,null,0.0024,2,1574013661000,1574078487000,0,0,null,0,null,0]"#
        let (fls, _) = try user(#"[0,"fls",[\#(loan)]]"#)
        guard case .fundingLoanSnapshot(let fl) = fls else { Issue.record("\(fls)"); return }
        #expect(fl[0].positionPair == nil && fl[0].rateType == "FIXED")
        let (fln, _) = try user(#"[0,"fln",\#(loan)]"#)
        guard case .fundingLoanNew = fln else { Issue.record("\(fln)"); return }
        for abbr in ["flu", "flc"] { _ = try user(#"[0,"\#(abbr)",\#(loan)]"#) }
    }

    @Test func unknownTypeAndBadRows() throws {
        #expect(try user(#"[0,"zzz",[1,2]]"#).0 == .unknown(type: "zzz", data: [1, 2]))
        var d = FrameDecoder()
        do {
            _ = try d.decode(#"[0,"on",[1,2,"not-a-symbol-index",4]]"#)
            Issue.record("expected throw")
        } catch {
            if case .invalidField(let name, _) = error.reason { #expect(name.contains("Order")) } else { Issue.record("\(error)") }
            #expect(!error.frame.isEmpty)
        }
        #expect(throws: FrameDecodingError.self) { try d.decode(#"[0,"ws",{"a":1}]"#) }
    }
}
