import BfxProtocol
import Testing
@testable import BfxGateway

/// The diff is the gateway's only book mechanism (fan-out and healing), so it is checked as a
/// property: for random pairs of books, applying the diff to the old book gives the new one —
/// levels, amounts, counts, order, and therefore the checksum a local client computes.
@Suite struct BookDiffTests {
    private static func randomLevels(_ rng: inout SplitMix64, funding: Bool, count: Int) -> [BookEntry] {
        var out: [BookEntry] = []
        var used = Set<Int>()
        for _ in 0..<count {
            let tick = Int(rng.next() % 60)  // few distinct prices: many shared between books
            guard used.insert(tick).inserted else { continue }
            let price = WireNumber(funding ? "0.000\(100 + tick)" : "\(30_000 + tick * 5)")!
            let bid = tick < 30
            let size = "\(1 + Int(rng.next() % 9)).\(Int(rng.next() % 1000))"
            // trading: bid > 0; funding: bid < 0 (the sign is reversed)
            let amount = WireNumber((bid != funding ? "" : "-") + size)!
            out.append(BookEntry(price: price, count: Int64(1 + rng.next() % 5), amount: amount, period: funding ? Int64(2 + rng.next() % 28) : nil))
        }
        return out
    }

    private static func randomOrders(_ rng: inout SplitMix64, count: Int) -> [RawBookEntry] {
        var out: [RawBookEntry] = []
        var used = Set<Int64>()
        for _ in 0..<count {
            let id = Int64(1_000 + rng.next() % 80)
            guard used.insert(id).inserted else { continue }
            let tick = Int(rng.next() % 20)  // same-price orders are common
            let bid = tick < 10
            out.append(RawBookEntry(orderId: id, price: WireNumber("\(30_000 + tick)")!,
                                    amount: WireNumber((bid ? "" : "-") + "0.\(1 + rng.next() % 999)")!))
        }
        return out
    }

    private static func apply(_ entries: [BookDiff.Entry], to book: inout OrderBook) {
        for entry in entries {
            switch entry {
            case .level(let e): book.apply(e)
            case .order(let e): book.apply(e)
            }
        }
    }

    @Test(arguments: [false, true])
    func aggregatedDiffRebuildsTheNewBook(funding: Bool) {
        var rng = SplitMix64(seed: funding ? 11 : 7)
        for _ in 0..<500 {
            var old = OrderBook(precision: .aggregated, funding: funding)
            old.applySnapshot(Self.randomLevels(&rng, funding: funding, count: Int(rng.next() % 40)))
            var new = OrderBook(precision: .aggregated, funding: funding)
            new.applySnapshot(Self.randomLevels(&rng, funding: funding, count: Int(rng.next() % 40)))
            var healed = old
            Self.apply(BookDiff.entries(from: old, to: new), to: &healed)
            #expect(healed.bids == new.bids)
            #expect(healed.asks == new.asks)
            #expect(healed.checksum() == new.checksum())
        }
    }

    @Test func rawDiffRebuildsTheNewBook() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<500 {
            // built order by order: the random lists are not in book order, and a snapshot would
            // read their order of equal prices as the server's rule (OrderBook.rawTieOrder)
            var old = OrderBook(precision: .raw)
            for order in Self.randomOrders(&rng, count: Int(rng.next() % 50)) { old.apply(order) }
            var new = OrderBook(precision: .raw)
            for order in Self.randomOrders(&rng, count: Int(rng.next() % 50)) { new.apply(order) }
            var healed = old
            Self.apply(BookDiff.entries(from: old, to: new), to: &healed)
            #expect(healed.bids == new.bids)
            #expect(healed.asks == new.asks)
            #expect(healed.checksum() == new.checksum())
        }
    }

    @Test func identicalBooksNeedNoUpdate() {
        var book = OrderBook(precision: .aggregated)
        book.applySnapshot([BookEntry(price: 100, count: 1, amount: 2), BookEntry(price: 101, count: 2, amount: -3)])
        #expect(BookDiff.entries(from: book, to: book).isEmpty)
    }

    @Test func deletesComeFirstAndUseTheSideSign() {
        var old = OrderBook(precision: .aggregated)
        old.applySnapshot([BookEntry(price: 100, count: 1, amount: 2), BookEntry(price: 101, count: 2, amount: -3)])
        var new = OrderBook(precision: .aggregated)
        new.applySnapshot([BookEntry(price: 99, count: 1, amount: 1)])
        let rows = BookDiff.entries(from: old, to: new).map { $0.row.serialized() }
        #expect(rows == ["[100,0,1]", "[101,0,-1]", "[99,1,1]"])
    }

    @Test func snapshotRowsAreBidsThenAsksBestFirst() {
        var book = OrderBook(precision: .aggregated)
        book.applySnapshot([BookEntry(price: 100, count: 1, amount: 2), BookEntry(price: 99, count: 1, amount: 1),
                            BookEntry(price: 101, count: 2, amount: -3), BookEntry(price: 102, count: 2, amount: -1)])
        #expect(BookDiff.snapshot(book).map { $0.row.serialized() } == ["[100,1,2]", "[99,1,1]", "[101,2,-3]", "[102,2,-1]"])
    }
}
