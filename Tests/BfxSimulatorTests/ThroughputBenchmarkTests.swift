import BfxTestSupport
import BfxProtocol
import Foundation
import Testing
@testable import BfxSimulator

/// Measures how many frames per second the simulator pushes to one loopback WebSocket in
/// unthrottled mode (debug build). Opt-in (it saturates the shared event loops and would slow the
/// other suites running in parallel): `BFX_SIM_BENCH=1`, optionally `BFX_SIM_BENCH_SECONDS=N`.
@Suite(
    "Throughput", .serialized, .timeLimit(.minutes(1)),
    .enabled(if: ProcessInfo.processInfo.environment["BFX_SIM_BENCH"] != nil, "set BFX_SIM_BENCH=1 to run")
)
struct ThroughputBenchmarkTests {
    @Test func unthrottledFramesPerSecond() async throws {
        let seconds = Double(ProcessInfo.processInfo.environment["BFX_SIM_BENCH_SECONDS"] ?? "") ?? 1.5
        try await withSimulator(testConfiguration { $0.tickMode = .unthrottled }) { sim in
            let ws = try await TestWS.open(sim)
            for symbol in ["tBTCUSD", "tETHUSD", "tXRPBTC", "tETHBTC"] {
                _ = try await ws.subscribe("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"\(symbol)\",\"prec\":\"R0\",\"len\":\"250\"}")
                _ = try await ws.subscribe("{\"event\":\"subscribe\",\"channel\":\"trades\",\"symbol\":\"\(symbol)\"}")
            }
            let startCount = ws.all.count
            let start = ContinuousClock.now
            try await Task.sleep(for: .milliseconds(Int64(min(seconds, 30) * 1000)))
            let elapsed = ContinuousClock.now - start
            let received = ws.all.count - startCount
            let perSecond = Double(received) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            print("simulator throughput (debug build, one loopback connection, 8 channels): \(Int(perSecond)) frames/s over \(elapsed)")
            #expect(perSecond > 500, "unthrottled mode should push well over 500 frames/s even in a loaded debug build")
            await ws.close()
        }
    }
}

/// The fast paths of ADR 0017 must not change a byte of output.
@Suite("Fast paths", .timeLimit(.minutes(1)))
struct FastPathEquivalenceTests {
    /// A view told the book's changes (and skipping untouched windows) sends exactly what a view
    /// that recomputes every time sends, with the same `cs`, on every step.
    @Test(arguments: [(nil, 250), (nil, 25), (0, 25), (0, 250), (1, 25), (2, 100), (4, 1)] as [(Int?, Int)])
    func changeTrackingSkipsOnlyUntouchedWindows(precision: Int?, length: Int) {
        var ids = IdAllocator(seed: 9)
        for symbol in ["tBTCUSD", "fUSD"] {
            var market = Market(symbol: symbol, seed: 9, now: 1_700_000_000_000, depth: 120, tradeHistory: 5, candleHistory: 5, ids: &ids)
            var tracked = BookView(precision: precision, length: length, flushIntervalMillis: 0, book: market.book, now: 0)
            var full = tracked
            _ = market.book.takeChanges()
            var skipped = 0
            for step in 0..<600 {
                _ = market.step(now: 1_700_000_000_000 + Int64(step), ids: &ids)
                let changes = market.book.takeChanges()
                if changes.first(precision: precision) >= length { skipped += 1 }
                let a = tracked.flush(book: market.book, now: Int64(step + 1), changes: changes)
                let b = full.flush(book: market.book, now: Int64(step + 1))
                #expect(a == b, "\(symbol) step \(step)")
                #expect(tracked.checksum == full.checksum, "\(symbol) step \(step)")
                #expect(tracked.checksum == BookChecksum.value(of: tracked.checksumString), "\(symbol) step \(step)")
            }
            // fine views shorter than the book must sometimes be untouched (coarse P2/P4 levels
            // and long windows cover the whole 120-order book, so every change is inside)
            if length == 25, (precision ?? 0) <= 1 {
                #expect(skipped > 0, "short windows must sometimes be untouched (\(symbol))")
            }
        }
    }

    /// Rows rendered as bytes equal the `WireWriter` rendering, with and without DEC_S.
    @Test func rowBytesEqualWriterText() {
        var ids = IdAllocator(seed: 3)
        for symbol in ["tBTCUSD", "tXRPBTC", "fUSD"] {
            var market = Market(symbol: symbol, seed: 3, now: 1_700_000_000_000, depth: 60, tradeHistory: 5, candleHistory: 5, ids: &ids)
            for step in 0..<50 {
                _ = market.step(now: 1_700_000_000_000 + Int64(step), ids: &ids)
                for precision in [nil, 0, 2] as [Int?] {
                    let top = market.book.top(precision: precision, length: 25)
                    for (id, row) in top.bids + top.asks {
                        for decS in [false, true] {
                            var bytes: [UInt8] = []
                            row.appendJSON(to: &bytes, decimalsAsStrings: decS)
                            let text = SimulatorEngine.fragment(decS: decS) { row.write(to: &$0) }
                            #expect(String(decoding: bytes, as: UTF8.self) == text)
                            let deletion = market.book.deletionRow(for: id, previous: row)
                            bytes.removeAll()
                            deletion.appendJSON(to: &bytes, decimalsAsStrings: decS)
                            #expect(String(decoding: bytes, as: UTF8.self) == SimulatorEngine.fragment(decS: decS) { deletion.write(to: &$0) })
                        }
                    }
                }
            }
        }
    }

    /// Burst mode: the whole pre-generated stream arrives in order, every `cs` matches a book
    /// rebuilt from the frames, SEQ_ALL has no gap, and the final book equals the simulator's.
    @Test func burstDeliversAConsistentStream() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            ws.send("{\"event\":\"conf\",\"flags\":196608}")
            try await ws.expect("conf") { $0["event"]?.string == "conf" }
            let chan = try await ws.subscribe("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tBTCUSD\",\"prec\":\"P0\",\"len\":\"25\"}")
            try await ws.expect("snapshot") { $0[0]?.int == chan }
            let before = ws.all.count
            let burst = await sim.burst(ticks: 2_000)
            #expect(burst.frames > 500)
            #expect(burst.connections == 1)
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while ws.all.count < before + burst.frames, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(ws.all.count == before + burst.frames)
            var decoder = FrameDecoder()
            var book: OrderBook?
            var checked = 0
            var lastSeq: Int64?
            for text in ws.all {
                let frame = try decoder.decode(text)
                if case .event(let event) = frame, case .subscribed(let sub) = event, let kind = ChannelKind(subscribed: sub) {
                    book = OrderBook(kind: kind)
                    continue
                }
                if let seq = frame.meta.seq {
                    if let lastSeq { #expect(seq == lastSeq + 1) }
                    lastSeq = seq
                }
                guard frame.chanId == Int64(chan) else { continue }
                if case .checksum(_, let value, _) = frame {
                    #expect(try #require(book).checksum() == value)
                    checked += 1
                } else {
                    book?.apply(frame: frame)
                }
            }
            #expect(checked > 100)
            let server = try #require(await sim.book(symbol: "tBTCUSD", prec: "P0", len: 25))
            #expect(server.checksum == book?.checksum())
            await ws.close()
        }
    }
}
