import BfxTestSupport
import BfxProtocol
import Testing
@testable import BfxSimulator

/// Rebuilds books on the client side from snapshot + updates with BfxProtocol's `OrderBook` and
/// compares every `cs` the simulator sends, and the final book with the simulator's own.
@Suite("Book checksums", .timeLimit(.minutes(1)))
struct BookChecksumTests {
    static let cases: [(symbol: String, prec: String, len: String, flags: Int)] = [
        ("tBTCUSD", "P0", "25", 131072),
        ("tBTCUSD", "P2", "100", 131072 | 65536),
        ("tETHUSD", "P4", "25", 131072),
        ("tXRPBTC", "P0", "250", 131072 | 8), // DEC_S, tiny prices
        ("tBTCUSD", "R0", "100", 131072),
        ("tETHBTC", "P1", "1", 131072 | 536_870_912), // BULK_UPDATES
        ("fUSD", "P0", "25", 131072),
        ("fBTC", "R0", "25", 131072),
    ]

    @Test(arguments: BookChecksumTests.cases)
    func checksumsMatchClientBook(symbol: String, prec: String, len: String, flags: Int) async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            ws.send("{\"event\":\"conf\",\"flags\":\(flags)}")
            try await ws.expect("conf") { $0["event"]?.string == "conf" }
            let chan = try await ws.subscribe("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"\(symbol)\",\"prec\":\"\(prec)\",\"len\":\"\(len)\"}")
            try await ws.expect("snapshot") { $0[0]?.int == chan }
            await sim.step(400)
            // the last cs is at least the one following the last tick's updates; ping to fence
            ws.send(#"{"event":"ping","cid":99}"#)
            try await ws.expect("fence pong") { $0["cid"]?.int == 99 }

            var decoder = FrameDecoder()
            var book: OrderBook?
            var checked = 0
            for text in ws.all {
                let frame = try decoder.decode(text)
                if case .event(let event) = frame, case .subscribed(let sub) = event, let kind = ChannelKind(subscribed: sub) {
                    book = OrderBook(kind: kind)
                    continue
                }
                guard frame.chanId == Int64(chan) else { continue }
                if case .checksum(_, let value, _) = frame {
                    let local = try #require(book).checksum()
                    #expect(local == value, "cs mismatch after \(checked) checks: \(book?.checksumString() ?? "")")
                    checked += 1
                } else {
                    book?.apply(frame: frame)
                }
            }
            #expect(checked > 20, "expected many cs messages, got \(checked)")
            // the simulator's own book equals the client's
            let server = try #require(await sim.book(symbol: symbol, prec: prec, len: Int(len) ?? 25))
            #expect(server.checksum == book?.checksum())
            #expect(server.bids.count == book?.bids.count)
            #expect(server.asks.count == book?.asks.count)
            await ws.close()
        }
    }

    @Test func corruptChecksumFaultIsDetectable() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            ws.send(#"{"event":"conf","flags":131072}"#)
            try await ws.expect("conf") { $0["event"]?.string == "conf" }
            let chan = try await ws.subscribe(#"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P0"}"#)
            try await ws.expect("snapshot") { $0[0]?.int == chan }
            await sim.inject(.corruptNextChecksum(connection: nil))
            await sim.step(100)
            ws.send(#"{"event":"ping","cid":5}"#)
            try await ws.expect("fence") { $0["cid"]?.int == 5 }
            var decoder = FrameDecoder()
            var book: OrderBook?
            var mismatches = 0
            var matches = 0
            for text in ws.all {
                let frame = try decoder.decode(text)
                if case .event(.subscribed(let sub)) = frame, let kind = ChannelKind(subscribed: sub) { book = OrderBook(kind: kind); continue }
                guard frame.chanId == Int64(chan) else { continue }
                if case .checksum(_, let value, _) = frame {
                    if book?.checksum() == value { matches += 1 } else { mismatches += 1 }
                } else {
                    book?.apply(frame: frame)
                }
            }
            #expect(mismatches == 1)
            #expect(matches > 5)
            #expect(await sim.stats().faultsInjected["checksum"] == 1)
            await ws.close()
        }
    }

    @Test func fundingChecksumFaultMakesEveryFundingChecksumWrongUntilCleared() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            ws.send(#"{"event":"conf","flags":131072}"#)
            try await ws.expect("conf") { $0["event"]?.string == "conf" }
            let funding = try await ws.subscribe(#"{"event":"subscribe","channel":"book","symbol":"fUSD","prec":"P0"}"#)
            let trading = try await ws.subscribe(#"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P0"}"#)
            try await ws.expect("snapshot") { $0[0]?.int == trading }
            await sim.inject(.wrongFundingChecksums)
            await sim.step(200)
            ws.send(#"{"event":"ping","cid":5}"#)
            try await ws.expect("fence") { $0["cid"]?.int == 5 }
            let marked = ws.all.count
            await sim.inject(.clear)
            await sim.step(200)
            ws.send(#"{"event":"ping","cid":6}"#)
            try await ws.expect("fence") { $0["cid"]?.int == 6 }

            var decoder = FrameDecoder()
            var books: [Int64: OrderBook] = [:]
            // [chanId: (matches, mismatches)] while the fault was active / after `clear`.
            var during: [Int64: (Int, Int)] = [:]
            var after: [Int64: (Int, Int)] = [:]
            for (index, text) in ws.all.enumerated() {
                let frame = try decoder.decode(text)
                if case .event(.subscribed(let sub)) = frame, let kind = ChannelKind(subscribed: sub) {
                    books[sub.chanId] = OrderBook(kind: kind)
                    continue
                }
                guard let chan = frame.chanId, books[chan] != nil else { continue }
                if case .checksum(_, let value, _) = frame {
                    let matched = books[chan]?.checksum() == value
                    var tally = (index < marked ? during[chan] : after[chan]) ?? (0, 0)
                    if matched { tally.0 += 1 } else { tally.1 += 1 }
                    if index < marked { during[chan] = tally } else { after[chan] = tally }
                } else {
                    books[chan]?.apply(frame: frame)
                }
            }
            let f = Int64(funding), t = Int64(trading)
            #expect((during[f]?.1 ?? 0) > 20, "funding cs during the fault: \(String(describing: during[f]))")
            #expect(during[f]?.0 ?? 0 <= 1, "a funding cs matched during the fault")  // only a 1-row side could
            #expect((during[t]?.0 ?? 0) > 20 && during[t]?.1 == 0, "trading cs during the fault: \(String(describing: during[t]))")
            #expect((after[f]?.0 ?? 0) > 20 && after[f]?.1 == 0, "funding cs after clear: \(String(describing: after[f]))")
            // The book data itself was right throughout.
            #expect(await sim.book(symbol: "fUSD", prec: "P0", len: 25)?.checksum == books[f]?.checksum())
            #expect(await sim.stats().faultsInjected["funding_checksum"] == 1)
            await ws.close()
        }
    }
}
