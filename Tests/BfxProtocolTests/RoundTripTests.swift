import Testing
@testable import BfxProtocol

@Suite("Encoding round trips (simulator side)")
struct RoundTripTests {
    @Test("decode(frame.json) == frame for every corpus frame")
    func framesRoundTrip() throws {
        var fuzz = FrameFuzzer(seed: 1)
        var checked = 0
        for text in FrameFuzzer.corpus {
            var d1 = fuzz.decoder
            let frame = try d1.decode(text)
            var d2 = fuzz.decoder
            #expect(try d2.decode(frame.bytes) == frame, "\(text) → \(frame.text)")
            checked += 1
        }
        _ = fuzz.int(1)
        #expect(checked == FrameFuzzer.corpus.count)
        // Compact server text is reproduced byte for byte for data frames.
        var d = fuzz.decoder
        for text in ["[17,[9000,2,1.5],42]", "[17,\"cs\",-1265340191,7]", "[21,\"te\",[401597395,1574694478808,0.005,7245.3]]"] {
            #expect(try d.decode(text).text == text)
        }
    }

    /// A failed `on-req` carries an order row with a null id: decoded as id 0, it is written back
    /// as null (the gateway re-encodes notifications; bots compare them with what Bitfinex sends).
    @Test func nullOrderIdSurvivesARoundTrip() throws {
        let row = try JSONValue.parse(#"[null,null,77,"tBTCUSD",null,null,0.01,0.01,"EXCHANGE LIMIT",null,null,null,0,null,null,null,1000,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null]"#)
        let order = try Order(row: row)
        #expect(order.id == 0)
        #expect(order.row[0] == .null && order.row[2] == .number(77))
        #expect(try Order(row: JSONValue.parse(#"[5,null,77,"tBTCUSD"]"#)).row[0] == .number(5))
    }

    @Test func userEventsRoundTrip() throws {
        let frames: [Frame] = [
            .user(.walletUpdate(Wallet(walletType: "exchange", currency: "USD", balance: 100)), meta: FrameMeta(seq: 3, authSeq: 4)),
            .user(.orderCancel(Order(id: 1, symbol: "tBTCUSD", amount: 0, status: "CANCELED")), meta: .none),
            .user(.marginInfo(.symbol("tBTCUSD", tradableBalance: 1, grossBalance: nil, buy: 2, sell: 3)), meta: .none),
            .user(.fundingInfo(FundingInfo(symbol: "fUSD", yieldLoan: 0, yieldLend: 1, durationLoan: 2, durationLend: 3)), meta: .none),
            .user(.notification(Notification(mts: 1, type: "oc-req", info: .order(Order(id: 5, cid: 6, symbol: "tBTCUSD")), status: "SUCCESS", text: "ok")), meta: FrameMeta(authSeq: 9)),
            .event(.subscribed(SubscribedEvent(channel: "book", chanId: 5, symbol: "tBTCUSD", pair: "BTCUSD", prec: "P0", freq: "F0", len: "25", subId: "s"))),
            .event(.auth(AuthEvent(status: "FAILED", code: .authNonce, message: "nonce: small"))),
            .event(.info(InfoEvent(version: 2, serverId: "x", platformStatus: 1))),
            .event(.error(ErrorEvent(code: .unknownChannel, message: "bad"))),
        ]
        for f in frames {
            var d = FrameDecoder()
            #expect(try d.decode(f.bytes) == f, "\(f.text)")
        }
    }

    @Test func clientMessagesRoundTrip() throws {
        let order = NewOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: WireNumber("-0.5") ?? 0, price: 6500, cid: 7, flags: 4096)
        let requests: [(BfxRequest, ClientMessage)] = [
            (.subscribe(channel: "book", symbol: "tBTCUSD", prec: "R0", len: "100", subId: 5),
             .subscribe(SubscribeRequest(channel: "book", symbol: "tBTCUSD", prec: "R0", len: "100", subId: 5))),
            (.unsubscribe(chanId: 3), .unsubscribe(chanId: 3)),
            (.conf(flags: [.checksum, .timestamp]), .conf([.checksum, .timestamp])),
            (.ping(cid: 9), .ping(cid: 9)),
            (.newOrder(order), .newOrder(order)),
            (.updateOrder(OrderUpdate(id: 1, delta: 2)), .updateOrder(OrderUpdate(id: 1, delta: 2))),
            (.cancelOrder(.cid(7, date: "2024-01-01")), .cancelOrder(.cid(7, date: "2024-01-01"))),
            (.cancelOrders(.all), .cancelOrders(.all)),
            (.cancelOrders(.cids([(cid: 1, date: "2024-01-01")])), .cancelOrders(.cids([(cid: 1, date: "2024-01-01")]))),
            (try .multiOp([.new(order), .cancel(.id(3))]), .multiOp([.new(order), .cancel(.id(3))])),
            (try .calc(["balance"]), .calc(["balance"])),
            (.newFundingOffer(NewFundingOffer(symbol: "fUSD", amount: 50, rate: WireNumber("0.0002") ?? 0, period: 2)),
             .newFundingOffer(NewFundingOffer(symbol: "fUSD", amount: 50, rate: WireNumber("0.0002") ?? 0, period: 2))),
            (.cancelFundingOffer(id: 4), .cancelFundingOffer(id: 4)),
        ]
        for (request, expected) in requests {
            #expect(try ClientMessage.parse(request.bytes) == expected, "\(request.text)")
        }
        let auth = try BfxSignature.wsAuth(apiKey: "k", secret: BfxSecret("s"), nonce: 1_700_000_000_000_000, dms: 4, filter: ["trading"])
        guard case .auth(let a) = try ClientMessage.parse(auth.request.bytes) else { Issue.record("not auth"); return }
        #expect(a.authNonce == 1_700_000_000_000_000 && a.dms == 4 && a.filter == ["trading"] && a.isValidSignature(secret: BfxSecret("s")))
        #expect(!a.isValidSignature(secret: BfxSecret("other")))
        _ = try ClientMessage.parse(#"{"event":"auth","apiKey":"k","authSig":"ab","authNonce":"123","authPayload":"AUTH123"}"#)
        #expect(try ClientMessage.parse(#"[0,"n",null,{"type":"ucm-test","info":{}}]"#) == .unknownInput(abbreviation: "n", ["type": "ucm-test", "info": [:]]))
        #expect(throws: FrameDecodingError.self) { try ClientMessage.parse(#"[0,"on",null,{"type":"LIMIT","symbol":"tBTCUSD","amount":"abc"}]"#) }
        #expect(throws: FrameDecodingError.self) { try ClientMessage.parse("ping") }
    }
}
