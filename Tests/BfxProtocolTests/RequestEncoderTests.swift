import Foundation
import Testing
@testable import BfxProtocol

@Suite("Request encoders")
struct RequestEncoderTests {
    func n(_ s: String) throws -> WireNumber { try #require(WireNumber(s)) }

    @Test func events() {
        #expect(BfxRequest.conf(flags: [.checksum, .sequenceAll]).text == #"{"event":"conf","flags":196608}"#)
        #expect(BfxRequest.ping(cid: 1234).text == #"{"event":"ping","cid":1234}"#)
        #expect(BfxRequest.unsubscribe(chanId: 17).text == #"{"event":"unsubscribe","chanId":17}"#)
        #expect(BfxRequest.subscribe(channel: "book", symbol: "tBTCUSD", prec: "R0", freq: "F0", len: "100", subId: "sub-1").text
            == #"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"R0","freq":"F0","len":"100","subId":"sub-1"}"#)
        #expect(BfxRequest.subscribe(channel: "candles", key: "trade:1m:tBTCUSD", subId: 42).text
            == #"{"event":"subscribe","channel":"candles","key":"trade:1m:tBTCUSD","subId":42}"#)
        #expect(BfxRequest.subscribe(channel: "ticker", symbol: "fUSD").text == #"{"event":"subscribe","channel":"ticker","symbol":"fUSD"}"#)
        #expect(ConfFlags.BULK_UPDATES.rawValue == 536_870_912 && ConfFlags.DEC_S.rawValue == 8 && ConfFlags.TIME_S.rawValue == 32
            && ConfFlags.TIMESTAMP.rawValue == 32768 && ConfFlags.SEQ_ALL.rawValue == 65536 && ConfFlags.OB_CHECKSUM.rawValue == 131072)
    }

    @Test func newOrderDecimalStrings() throws {
        let order = NewOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: try n("-7e-7"), price: try n("1.5e4"), cid: 1_574_963_975_602,
                             gid: 1, flags: 4096, tif: "2020-01-01 10:45:23", meta: JSONObject([.init(key: "aff_code", value: "abc")]))
        #expect(BfxRequest.newOrder(order).text
            == #"[0,"on",null,{"gid":1,"cid":1574963975602,"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"-0.0000007","price":"15000","flags":4096,"tif":"2020-01-01 10:45:23","meta":{"aff_code":"abc"}}]"#)
        // Decimal input never shows float artefacts.
        let d = try #require(WireNumber(Decimal(string: "0.1")! + Decimal(string: "0.2")!))
        #expect(d.plainText == "0.3")
        let viaDouble = try #require(WireNumber(0.1 + 0.2))
        #expect(viaDouble.text == "0.30000000000000004")  // JS toString of the double, as documented
    }

    @Test func updateCancelMulti() throws {
        #expect(BfxRequest.updateOrder(OrderUpdate(id: 5, price: try n("100.5"), delta: try n("-1"))).text
            == #"[0,"ou",null,{"id":5,"price":"100.5","delta":"-1"}]"#)
        #expect(BfxRequest.cancelOrder(.id(7)).text == #"[0,"oc",null,{"id":7}]"#)
        #expect(BfxRequest.cancelOrder(.cid(9, date: "2024-01-02")).text == #"[0,"oc",null,{"cid":9,"cid_date":"2024-01-02"}]"#)
        #expect(BfxRequest.cancelOrders(.ids([1, 2])).text == #"[0,"oc_multi",null,{"id":[1,2]}]"#)
        #expect(BfxRequest.cancelOrders(.gids([3])).text == #"[0,"oc_multi",null,{"gid":[3]}]"#)
        #expect(BfxRequest.cancelOrders(.cids([(cid: 4, date: "2024-01-02")])).text == #"[0,"oc_multi",null,{"cid":[[4,"2024-01-02"]]}]"#)
        #expect(BfxRequest.cancelOrders(.all).text == #"[0,"oc_multi",null,{"all":1}]"#)
    }

    @Test func multiOpLimits() throws {
        let op = OrderOperation.cancel(.id(1))
        let ok = try BfxRequest.multiOp([op, .cancelMulti(.all)])
        #expect(ok.text == #"[0,"ox_multi",null,[["oc",{"id":1}],["oc_multi",{"all":1}]]]"#)
        #expect((try? BfxRequest.multiOp(Array(repeating: op, count: 75))) != nil)
        #expect(throws: BfxRequestError.tooManyOperations(count: 76, max: 75)) { try BfxRequest.multiOp(Array(repeating: op, count: 76)) }
        #expect(throws: BfxRequestError.emptyBatch) { try BfxRequest.multiOp([]) }
    }

    @Test func calcLimits() throws {
        #expect(try BfxRequest.calc(["margin_sym_tBTCUSD", "balance"]).text == #"[0,"calc",null,[["margin_sym_tBTCUSD"],["balance"]]]"#)
        #expect((try? BfxRequest.calc(Array(repeating: "balance", count: 30))) != nil)
        #expect(throws: BfxRequestError.tooManyCalcRequests(count: 31, max: 30)) { try BfxRequest.calc(Array(repeating: "balance", count: 31)) }
    }

    @Test func funding() throws {
        #expect(BfxRequest.newFundingOffer(NewFundingOffer(symbol: "fUSD", amount: try n("50"), rate: try n("2e-4"), period: 2)).text
            == #"[0,"fon",null,{"type":"LIMIT","symbol":"fUSD","amount":"50","rate":"0.0002","period":2,"flags":0}]"#)
        #expect(BfxRequest.cancelFundingOffer(id: 41).text == #"[0,"foc",null,{"id":41}]"#)
    }

    @Test func requestsRoundTripThroughParser() throws {
        let r = BfxRequest.subscribe(channel: "book", symbol: "tBTCUSD", prec: "P0")
        #expect(try JSONValue.parse(r.bytes) == r.json)
    }
}
