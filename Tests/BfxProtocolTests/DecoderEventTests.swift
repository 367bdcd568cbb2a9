import Testing
@testable import BfxProtocol

@Suite("FrameDecoder: events")
struct DecoderEventTests {
    @Test func infoOnConnect() throws {
        var d = FrameDecoder()
        let f = try d.decode(#"{"event":"info","version":2,"serverId":"e293377e-7bb7-427e-b28c-5db045b2c1d1","platform":{"status":1}}"#)
        guard case .event(.info(let info)) = f else { Issue.record("\(f)"); return }
        #expect(info.version == 2 && info.serverId == "e293377e-7bb7-427e-b28c-5db045b2c1d1" && info.platformStatus == 1 && info.code == nil)
    }

    @Test("info codes 20051/20060/20061", arguments: [20051, 20060, 20061])
    func infoCodes(code: Int) throws {
        var d = FrameDecoder()
        let f = try d.decode(#"{"event":"info","code":\#(code),"msg":"whatever"}"#)
        guard case .event(.info(let info)) = f else { Issue.record("\(f)"); return }
        #expect(info.code == BfxErrorCode(code))
        #expect(info.code?.category == .lifecycle)
    }

    @Test func confAndPong() throws {
        var d = FrameDecoder()
        #expect(try d.decode(#"{"event":"conf","status":"OK","flags":131072}"#) == .event(.conf(ConfEvent(status: "OK", flags: .checksum))))
        #expect(try d.decode(#"{"event":"pong","ts":1511545528111,"cid":1234}"#) == .event(.pong(PongEvent(ts: 1511545528111, cid: 1234))))
    }

    @Test func subscribedRegistersEveryKind() throws {
        var d = FrameDecoder()
        let cases: [(String, ChannelKind)] = [
            (#"{"event":"subscribed","channel":"book","chanId":10,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":123,"pair":"BTCUSD"}"#, .book(funding: false)),
            (#"{"event":"subscribed","channel":"book","chanId":11,"symbol":"fUSD","prec":"R0","freq":"F0","len":"100","currency":"USD"}"#, .rawBook(funding: true)),
            (#"{"event":"subscribed","channel":"ticker","chanId":12,"symbol":"tBTCUSD","pair":"BTCUSD"}"#, .ticker(funding: false)),
            (#"{"event":"subscribed","channel":"ticker","chanId":13,"symbol":"fUSD","currency":"USD"}"#, .ticker(funding: true)),
            (#"{"event":"subscribed","channel":"trades","chanId":14,"symbol":"tBTCUSD","pair":"BTCUSD"}"#, .trades(funding: false)),
            (#"{"event":"subscribed","channel":"candles","chanId":15,"key":"trade:1m:tBTCUSD"}"#, .candles),
            (#"{"event":"subscribed","channel":"status","chanId":16,"key":"deriv:tBTCF0:USTF0"}"#, .derivStatus),
            (#"{"event":"subscribed","channel":"status","chanId":17,"key":"liq:global"}"#, .liquidations),
        ]
        for (text, kind) in cases {
            let f = try d.decode(text)
            guard case .event(.subscribed(let s)) = f else { Issue.record("\(f)"); continue }
            #expect(d.kind(of: s.chanId) == kind)
        }
        guard case .event(.subscribed(let s)) = try d.decode(cases[0].0) else { return }
        #expect(s.channel == "book" && s.symbol == "tBTCUSD" && s.prec == "P0" && s.freq == "F0" && s.len == "25" && s.subId == 123 && s.pair == "BTCUSD")
        #expect(try d.decode(#"{"event":"unsubscribed","status":"OK","chanId":10}"#) == .event(.unsubscribed(UnsubscribedEvent(status: "OK", chanId: 10))))
        #expect(d.kind(of: 10) == nil)
        #expect(d.registeredChannels.count == 7)
    }

    @Test func errorAndAuth() throws {
        var d = FrameDecoder()
        let e = try d.decode(#"{"event":"error","msg":"subscribe: dup","code":10301,"channel":"book","symbol":"tBTCUSD","subId":"x"}"#)
        guard case .event(.error(let err)) = e else { Issue.record("\(e)"); return }
        #expect(err.code == .alreadySubscribed && err.message == "subscribe: dup" && err.subId == "x" && err.apiError.code == .alreadySubscribed)
        let ok = try d.decode(#"{"event":"auth","status":"OK","chanId":0,"userId":3159883,"auth_id":"ac7108e7-4a4e-4ae0-a94b-f7e3a8c0c4a1","caps":{"orders":{"read":1,"write":1}}}"#)
        guard case .event(.auth(let a)) = ok else { Issue.record("\(ok)"); return }
        #expect(a.isOK && a.userId == 3159883 && a.authId == "ac7108e7-4a4e-4ae0-a94b-f7e3a8c0c4a1" && a.caps?["orders"]?["write"]?.int == 1 && a.apiError == nil)
        let failed = try d.decode(#"{"event":"auth","status":"FAILED","chanId":0,"code":10114,"msg":"nonce: small"}"#)
        guard case .event(.auth(let b)) = failed else { Issue.record("\(failed)"); return }
        #expect(!b.isOK && b.code == .authNonce && b.message == "nonce: small" && b.apiError?.category == .nonce)
    }

    @Test func unknownEventIsTypedNotThrown() throws {
        var d = FrameDecoder()
        guard case .event(.unknown(let name, let obj)) = try d.decode(#"{"event":"brandNew","x":[1]}"#) else { Issue.record("expected unknown"); return }
        #expect(name == "brandNew" && obj["x"]?[0]?.int == 1)
    }
}
