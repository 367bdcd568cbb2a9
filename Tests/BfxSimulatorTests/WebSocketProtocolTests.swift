import BfxTestSupport
import BfxProtocol
import Testing
@testable import BfxSimulator

@Suite("WebSocket protocol", .timeLimit(.minutes(1)))
struct WebSocketProtocolTests {
    @Test func infoConfPingPong() async throws {
        try await withSimulator { sim in
            #expect(sim.wsURL.hasPrefix("ws://127.0.0.1:"))
            #expect(sim.port > 0)
            let ws = TestWS(url: sim.wsURL)
            let info = try await ws.expect("info") { $0["event"]?.string == "info" }
            #expect(info["version"]?.int == 2)
            #expect(info["serverId"]?.string != nil)
            #expect(info["platform"]?["status"]?.int == 1)
            ws.send(#"{"event":"conf","flags":163840}"#)
            let conf = try await ws.expect("conf") { $0["event"]?.string == "conf" }
            #expect(conf.serialized() == #"{"event":"conf","status":"OK","flags":163840}"#)
            ws.send(#"{"event":"ping","cid":1234}"#)
            let pong = try await ws.expect("pong") { $0["event"]?.string == "pong" }
            #expect(pong["cid"]?.int == 1234)
            #expect((pong["ts"]?.int64 ?? 0) > 1_600_000_000_000)
            ws.send(#"{"event":"nope"}"#)
            let error = try await ws.expect("error") { $0["event"]?.string == "error" }
            #expect(error["code"]?.int == 10000)
            await ws.close()
        }
    }

    @Test func subscribeEchoesParametersAndSendsSnapshots() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            ws.send(#"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P1","freq":"F0","len":"100","subId":"abc"}"#)
            let sub = try await ws.expect("subscribed") { $0["event"]?.string == "subscribed" }
            #expect(sub["channel"]?.string == "book")
            #expect(sub["symbol"]?.string == "tBTCUSD")
            #expect(sub["prec"]?.string == "P1")
            #expect(sub["freq"]?.string == "F0")
            #expect(sub["len"]?.string == "100")
            #expect(sub["subId"]?.string == "abc")
            #expect(sub["pair"]?.string == "BTCUSD")
            let chan = try #require(sub["chanId"]?.int)
            let snapshot = try await ws.expect("book snapshot") { $0[0]?.int == chan }
            let rows = try #require(snapshot[1]?.array)
            #expect(rows.count >= 20 && rows.count <= 200)
            #expect(rows.allSatisfy { $0.array?.count == 3 })
            // bids (amount > 0) come first, best first
            let bidPrices = rows.compactMap { r -> Double? in (r[2]?.double ?? 0) > 0 ? r[0]?.double : nil }
            #expect(bidPrices == bidPrices.sorted(by: >))

            let fchan = try await ws.subscribe(#"{"event":"subscribe","channel":"trades","symbol":"fUSD","subId":7}"#)
            let fsnap = try await ws.expect("funding trades snapshot") { $0[0]?.int == fchan }
            #expect(fsnap[1]?.array?.first?.array?.count == 5)
            let echoed = ws.all.compactMap { try? JSONValue.parse($0) }.first { $0["chanId"]?.int == fchan }
            #expect(echoed?["currency"]?.string == "USD")
            #expect(echoed?["subId"]?.int == 7)

            let cchan = try await ws.subscribe(#"{"event":"subscribe","channel":"candles","key":"trade:1m:tETHUSD"}"#)
            let csnap = try await ws.expect("candles snapshot") { $0[0]?.int == cchan }
            let candles = try #require(csnap[1]?.array)
            let times = candles.compactMap { $0[0]?.int64 }
            #expect(times.count == candles.count && times.count > 10)
            #expect(times == times.sorted(by: >), "candle snapshot is newest-first")

            let tchan = try await ws.subscribe(#"{"event":"subscribe","channel":"ticker","symbol":"tETHUSD"}"#)
            let ticker = try await ws.expect("ticker") { $0[0]?.int == tchan }
            #expect(ticker[1]?.array?.count == 10)
            let ftchan = try await ws.subscribe(#"{"event":"subscribe","channel":"ticker","symbol":"fUSD"}"#)
            let fticker = try await ws.expect("funding ticker") { $0[0]?.int == ftchan }
            #expect(fticker[1]?.array?.count == 16)

            let schan = try await ws.subscribe(#"{"event":"subscribe","channel":"status","key":"deriv:tBTCF0:USTF0"}"#)
            let status = try await ws.expect("status") { $0[0]?.int == schan }
            #expect(status[1]?.array?.count == 23)

            ws.send("{\"event\":\"unsubscribe\",\"chanId\":\(chan)}")
            let unsub = try await ws.expect("unsubscribed") { $0["event"]?.string == "unsubscribed" }
            #expect(unsub.serialized() == "{\"event\":\"unsubscribed\",\"status\":\"OK\",\"chanId\":\(chan)}")
            ws.send("{\"event\":\"unsubscribe\",\"chanId\":\(chan)}")
            let notSub = try await ws.expect("unsubscribe error") { $0["event"]?.string == "error" }
            #expect(notSub["code"]?.int == 10401)
            await ws.close()
        }
    }

    @Test(arguments: [
        (#"{"event":"subscribe","channel":"nope","symbol":"tBTCUSD"}"#, 10302),
        (#"{"event":"subscribe","channel":"ticker","symbol":"tNOPE"}"#, 10001),
        (#"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P9"}"#, 10011),
        (#"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","len":"30"}"#, 10012),
        (#"{"event":"subscribe","channel":"candles","key":"trade:2m:tBTCUSD"}"#, 10300),
        (#"{"event":"subscribe","channel":"status","key":"deriv:nope"}"#, 10300),
    ])
    func subscribeErrors(request: String, code: Int) async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            ws.send(request)
            let error = try await ws.expect("error \(code)") { $0["event"]?.string == "error" }
            #expect(error["code"]?.int == code)
            #expect(error["msg"]?.string != nil)
            await ws.close()
        }
    }

    @Test func duplicateAndChannelLimit() async throws {
        try await withSimulator(testConfiguration { $0.maxChannelsPerConnection = 3 }) { sim in
            let ws = try await TestWS.open(sim)
            _ = try await ws.subscribe(#"{"event":"subscribe","channel":"ticker","symbol":"tBTCUSD"}"#)
            ws.send(#"{"event":"subscribe","channel":"ticker","symbol":"tBTCUSD"}"#)
            let dup = try await ws.expect("dup") { $0["event"]?.string == "error" }
            #expect(dup["code"]?.int == 10301)
            _ = try await ws.subscribe(#"{"event":"subscribe","channel":"ticker","symbol":"tETHUSD"}"#)
            _ = try await ws.subscribe(#"{"event":"subscribe","channel":"trades","symbol":"tETHUSD"}"#)
            ws.send(#"{"event":"subscribe","channel":"trades","symbol":"tBTCUSD"}"#)
            let limit = try await ws.expect("limit") { $0["event"]?.string == "error" }
            #expect(limit["code"]?.int == 10305)
            await ws.close()
        }
    }

    @Test func heartbeatsOnIdleChannels() async throws {
        try await withSimulator(testConfiguration { $0.heartbeatInterval = .milliseconds(200) }) { sim in
            let ws = try await TestWS.open(sim)
            ws.send(#"{"event":"conf","flags":65536}"#)
            try await ws.expect("conf") { $0["event"]?.string == "conf" }
            let chan = try await ws.subscribe(#"{"event":"subscribe","channel":"ticker","symbol":"tBTCUSD"}"#)
            let snap = try await ws.expect("ticker snapshot") { $0[0]?.int == chan }
            let hb1 = try await ws.expect("hb") { $0[0]?.int == chan && $0[1]?.string == "hb" }
            let hb2 = try await ws.expect("hb 2") { $0[0]?.int == chan && $0[1]?.string == "hb" }
            // [CHAN,"hb",SEQ] with consecutive sequence numbers
            let s0 = try #require(snap[2]?.int64)
            #expect(hb1[2]?.int64 == s0 + 1)
            #expect(hb2[2]?.int64 == s0 + 2)
            await ws.close()
        }
    }

    @Test func sequenceAndTimestampTrailers() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            ws.send(#"{"event":"conf","flags":229376}"#) // SEQ_ALL | TIMESTAMP | OB_CHECKSUM
            try await ws.expect("conf") { $0["event"]?.string == "conf" }
            let chanA = try await ws.subscribe(#"{"event":"subscribe","channel":"book","symbol":"tBTCUSD"}"#)
            let chanB = try await ws.subscribe(#"{"event":"subscribe","channel":"trades","symbol":"tBTCUSD"}"#)
            try await ws.expect("trades snapshot") { $0[0]?.int == chanB }
            await sim.step(200)
            try await ws.expect("some cs") { $0[0]?.int == chanA && $0[1]?.string == "cs" }
            ws.send(#"{"event":"ping","cid":77}"#)
            try await ws.expect("fence") { $0["cid"]?.int == 77 } // every frame of the 200 ticks precedes it
            let frames = ws.all.compactMap { try? JSONValue.parse($0) }.compactMap(\.array).filter { ($0.first?.int ?? 0) > 0 }
            #expect(frames.count > 20)
            var last: Int64 = 0
            for frame in frames {
                // [..., SEQ, TS]: the last element is a ms timestamp, the one before the sequence
                let ts = try #require(frame.last?.int64)
                #expect(ts > 1_600_000_000_000)
                let seq = try #require(frame[frame.count - 2].int64)
                #expect(seq == last + 1, "sequence \(seq) after \(last)")
                last = seq
            }
            await ws.close()
        }
    }
}
