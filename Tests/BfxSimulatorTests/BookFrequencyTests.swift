import BfxTestSupport
import BfxProtocol
import Testing
@testable import BfxSimulator

@Suite("Book frequency F1", .timeLimit(.minutes(1)))
struct BookFrequencyTests {
    @Test func f1BatchesChangesUntilTwoSecondsOfInjectedTime() async throws {
        let clock = Locked<Int64>(1_700_000_000_000)
        let config = testConfiguration { $0.now = { clock.withLock { $0 } } }
        try await withSimulator(config) { sim in
            let ws = try await TestWS.open(sim)
            ws.send(#"{"event":"conf","flags":131072}"#)
            try await ws.expect("conf") { $0["event"]?.string == "conf" }
            let chan = try await ws.subscribe(#"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P0","freq":"F1","len":"25"}"#)
            try await ws.expect("snapshot") { $0[0]?.int == chan }
            await sim.step(100)
            ws.send(#"{"event":"ping","cid":1}"#)
            try await ws.expect("fence 1") { $0["cid"]?.int == 1 }
            let before = ws.all.compactMap { try? JSONValue.parse($0) }.filter { $0[0]?.int == chan }.count
            #expect(before == 1, "only the snapshot while the injected clock stands still")
            clock.withLock { $0 += 2_000 }
            await sim.step(1)
            ws.send(#"{"event":"ping","cid":2}"#)
            try await ws.expect("fence 2") { $0["cid"]?.int == 2 }
            var decoder = FrameDecoder()
            var book: OrderBook?
            var checks = 0
            for text in ws.all {
                let frame = try decoder.decode(text)
                if case .event(.subscribed(let sub)) = frame, let kind = ChannelKind(subscribed: sub) { book = OrderBook(kind: kind); continue }
                guard frame.chanId == Int64(chan) else { continue }
                if case .checksum(_, let value, _) = frame {
                    #expect(book?.checksum() == value)
                    checks += 1
                } else {
                    book?.apply(frame: frame)
                }
            }
            #expect(checks == 1, "one batched flush after the 2 s boundary")
            #expect(book?.checksum() == (await sim.book(symbol: "tBTCUSD"))?.checksum)
            await ws.close()
        }
    }
}
