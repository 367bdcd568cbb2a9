import BfxTestSupport
import Testing
@testable import BfxSimulator

/// The trimmed (prefix/suffix-skipping) book diff must equal the full dictionary diff it replaced.
struct BookViewDiffTests {
    /// The original full diff: deletions in published order, then changed rows in top order.
    static func fullDiff(book: SimBook, old: [(SimBook.RowID, SimBook.Row)], top: [(SimBook.RowID, SimBook.Row)]) -> [SimBook.Row] {
        var previous: [SimBook.RowID: SimBook.Row] = [:]
        for (id, row) in old { previous[id] = row }
        let current = Set(top.map(\.0))
        var updates: [SimBook.Row] = []
        for (id, row) in old where !current.contains(id) { updates.append(book.deletionRow(for: id, previous: row)) }
        for (id, row) in top where previous[id] != row { updates.append(row) }
        return updates
    }

    @Test(arguments: [(nil, 250), (nil, 25), (0, 25), (0, 250), (1, 25), (2, 100), (4, 1)] as [(Int?, Int)])
    func trimmedDiffEqualsFullDiff(precision: Int?, length: Int) {
        var ids = IdAllocator(seed: 5)
        for symbol in ["tBTCUSD", "fUSD"] {
            var market = Market(symbol: symbol, seed: 5, now: 1_700_000_000_000, depth: 120, tradeHistory: 5, candleHistory: 5, ids: &ids)
            var view = BookView(precision: precision, length: length, flushIntervalMillis: 0, book: market.book, now: 0)
            var nonEmpty = 0
            for step in 0..<400 {
                _ = market.step(now: 1_700_000_000_000 + Int64(step), ids: &ids)
                let old = view.publishedBids + view.publishedAsks
                let top = market.book.top(precision: precision, length: length)
                let expected = BookViewDiffTests.fullDiff(book: market.book, old: old, top: top.bids + top.asks)
                let got = view.flush(book: market.book, now: Int64(step + 1)) ?? []
                #expect(got == expected, "\(symbol) step \(step)")
                #expect(view.checksum == BookChecksum.value(of: view.checksumString), "\(symbol) step \(step)")
                if !got.isEmpty { nonEmpty += 1 }
            }
            #expect(nonEmpty > 10, "the market must actually change the view")
        }
    }
}
