import BfxClient
import BfxProtocol
import BfxTestSupport
import Testing
@testable import BfxGateway

extension GatewayIntegrationTests {
    /// The local WebSocket protocol, frame by frame, as a Bitfinex client sees it.
    @Suite struct LocalProtocol {
        @Test func infoPingConfAndSubscribeEchoEveryField() async throws {
            try await GatewayFixture.with { fx in
                let ws = try await openLocal(fx)
                defer { Task { await ws.close() } }
                ws.send("{\"event\":\"ping\",\"cid\":1234}")
                let pong = try await ws.expect("pong") { $0["event"]?.string == "pong" }
                #expect(pong["cid"]?.int == 1234)
                #expect(pong["ts"]?.int64 != nil)
                ws.send("{\"event\":\"conf\",\"flags\":\(ConfFlags.checksum.rawValue + ConfFlags.sequenceAll.rawValue)}")
                let conf = try await ws.expect("conf") { $0["event"]?.string == "conf" }
                #expect(conf["status"]?.string == "OK")
                ws.send("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tBTCUSD\",\"prec\":\"P1\",\"freq\":\"F0\",\"len\":\"25\",\"subId\":\"mine\"}")
                let sub = try await ws.expect("subscribed") { $0["event"]?.string == "subscribed" }
                #expect(sub["channel"]?.string == "book")
                #expect(sub["symbol"]?.string == "tBTCUSD")
                #expect(sub["pair"]?.string == "BTCUSD")
                #expect(sub["prec"]?.string == "P1")
                #expect(sub["freq"]?.string == "F0")
                #expect(sub["len"]?.string == "25")
                #expect(sub["subId"]?.string == "mine")
                let chanId = try #require(sub["chanId"]?.int64)
                // snapshot, then (after a tick) updates, a cs, and contiguous sequence numbers
                let snapshot = try await ws.expect("snapshot") { $0[0]?.int64 == chanId && $0[1]?.array?.first?.array != nil }
                #expect(snapshot[2]?.int64 == 1)
                try await fx.stepUntil("a cs frame") { ws.pending.contains { $0.contains("\"cs\"") } }
                let frames = ws.all.compactMap { try? JSONValue.parse($0) }.filter { $0.array != nil }
                let seqs = frames.compactMap { $0.array?.last?.int64 }
                #expect(seqs == Array(1...Int64(seqs.count)), "SEQ_ALL numbers of this connection are gap-free")
            }
        }

        @Test func errorsAreBitfinexShapedAndTheSocketStays() async throws {
            try await GatewayFixture.with { fx in
                let ws = try await openLocal(fx)
                defer { Task { await ws.close() } }
                func error(_ request: String) async throws -> JSONValue {
                    ws.send(request)
                    return try await ws.expect("error for \(request)") { $0["event"]?.string == "error" }
                }
                #expect(try await error("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tBTCUSD\",\"prec\":\"P9\"}")["code"]?.int == 10011)
                #expect(try await error("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tBTCUSD\",\"len\":\"33\"}")["code"]?.int == 10012)
                #expect(try await error("{\"event\":\"subscribe\",\"channel\":\"nope\",\"symbol\":\"tBTCUSD\"}")["code"]?.int == 10302)
                let unknownPair = try await error("{\"event\":\"subscribe\",\"channel\":\"ticker\",\"symbol\":\"tNOPE\"}")
                #expect(unknownPair["code"]?.int == 10001)
                #expect(unknownPair["symbol"]?.string == "tNOPE", "the request's fields are echoed")
                #expect(try await error("{\"event\":\"unsubscribe\",\"chanId\":424242}")["code"]?.int == 10401)
                #expect(try await error("{\"event\":\"bogus\"}")["code"]?.int == 10000)
                #expect(try await error("{not json")["code"]?.int == 10000)
                _ = try await ws.subscribe("{\"event\":\"subscribe\",\"channel\":\"ticker\",\"symbol\":\"tETHUSD\"}")
                #expect(try await error("{\"event\":\"subscribe\",\"channel\":\"ticker\",\"symbol\":\"tETHUSD\"}")["code"]?.int == 10301)
                #expect(!ws.isClosed)
            }
        }

        @Test func unsubscribeAndTimestampFlag() async throws {
            try await GatewayFixture.with { fx in
                let ws = try await openLocal(fx)
                defer { Task { await ws.close() } }
                ws.send("{\"event\":\"conf\",\"flags\":\(ConfFlags.timestamp.rawValue)}")
                _ = try await ws.expect("conf") { $0["event"]?.string == "conf" }
                let chanId = try await ws.subscribe("{\"event\":\"subscribe\",\"channel\":\"trades\",\"symbol\":\"tBTCUSD\"}")
                let snapshot = try await ws.expect("trades snapshot") { $0[0]?.int == chanId }
                let mts = try #require(snapshot.array?.last?.int64)
                #expect(mts > 1_600_000_000_000, "TIMESTAMP appends a millisecond time")
                ws.send("{\"event\":\"unsubscribe\",\"chanId\":\(chanId)}")
                let done = try await ws.expect("unsubscribed") { $0["event"]?.string == "unsubscribed" }
                #expect(done["chanId"]?.int == chanId)
                #expect(done["status"]?.string == "OK")
            }
        }

        @Test func lateJoinerGetsTheVerifiedBookAndHeartbeats() async throws {
            try await GatewayFixture.with { fx in
                let first = try await openLocal(fx)
                defer { Task { await first.close() } }
                let request = "{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tETHUSD\",\"prec\":\"R0\",\"len\":\"25\"}"
                _ = try await first.subscribe(request)
                await fx.simulator.step(20)
                let late = try await openLocal(fx)
                defer { Task { await late.close() } }
                let chanId = try await late.subscribe(request)
                let snapshot = try await late.expect("snapshot") { $0[0]?.int == chanId && $0[1]?.array != nil }
                var book = OrderBook(precision: .raw)
                book.applySnapshot(try #require(snapshot[1]?.array).map { try RawBookEntry(row: $0, funding: false) })
                let published = await fx.gateway.hub.publishedBook(.rawBook("tETHUSD", length: 25))
                #expect(book == published)
                // idle channel: hb after the configured heartbeat (500 ms in tests)
                _ = try await late.expect("hb", timeout: .seconds(5)) { $0[0]?.int == chanId && $0[1]?.string == "hb" }
            }
        }
    }
}
