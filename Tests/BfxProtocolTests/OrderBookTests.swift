import Testing
@testable import BfxProtocol

@Suite("OrderBook")
struct OrderBookTests {
    func n(_ s: String) -> WireNumber { WireNumber(s) ?? WireNumber(0) }
    func p(_ price: String, _ count: Int64, _ amount: String) -> BookEntry { BookEntry(price: n(price), count: count, amount: n(amount)) }

    @Test func pBookRules() {
        var book = OrderBook()
        book.applySnapshot([p("100", 1, "1"), p("99", 2, "2"), p("101", 1, "-3"), p("102", 1, "-4")])
        #expect(book.bids.map(\.price) == [100, 99] && book.asks.map(\.price) == [101, 102])
        book.apply(p("99.5", 1, "5"))  // insert in the middle
        #expect(book.bids.map(\.price.text) == ["100", "99.5", "99"])
        book.apply(p("100", 3, "7"))  // replace
        #expect(book.bestBid?.amount == 7 && book.bestBid?.count == 3 && book.bids.count == 3)
        let d1 = book.apply(p("99.5", 0, "1"))  // delete bid
        let d2 = book.apply(p("98", 0, "1"))  // absent level: reported
        let d3 = book.apply(p("101", 0, "-1"))  // delete ask
        #expect(d1 && !d2 && d3)
        #expect(book.bids.map(\.price) == [100, 99] && book.asks.map(\.price) == [102])
        #expect(book.top(1).bids.count == 1 && book.top(10).asks.count == 1)
        #expect(book.checksumString() == "100:7:102:-4:99:2")
        #expect(book.checksum() == Int32(bitPattern: CRC32.checksum("100:7:102:-4:99:2")))
    }

    @Test func fundingBookSidesReversed() {
        var book = OrderBook(precision: .aggregated, funding: true)
        book.apply(BookEntry(price: n("0.0002"), count: 1, amount: n("-100"), period: 2))  // bid (demand)
        book.apply(BookEntry(price: n("0.0003"), count: 1, amount: n("50"), period: 30))  // ask (offer)
        #expect(book.bids.map(\.price.text) == ["0.0002"] && book.asks.map(\.price.text) == ["0.0003"])
        book.apply(BookEntry(price: n("0.0002"), count: 0, amount: n("-1"), period: 2))
        #expect(book.bids.isEmpty)
    }

    /// Funding P level identity (ADR 0005, UNVERIFIED): by rate (an update with another period
    /// replaces the level) until a snapshot shows two levels of one rate, then by rate and period.
    @Test func fundingLevelsByRateOrByRateAndPeriod() {
        var byRate = OrderBook(precision: .aggregated, funding: true)
        byRate.applySnapshot([BookEntry(price: n("0.0002"), count: 1, amount: n("-100"), period: 2),
                              BookEntry(price: n("0.0003"), count: 1, amount: n("50"), period: 30)])
        #expect(byRate.fundingLevelKey == .rate)
        byRate.apply(BookEntry(price: n("0.0003"), count: 2, amount: n("70"), period: 7))
        #expect(byRate.asks.map(\.period) == [7], "same rate, other period: the level is replaced")

        var both = OrderBook(precision: .aggregated, funding: true)
        // bids best-first with descending periods at one rate, asks with ascending ones
        both.applySnapshot([BookEntry(price: n("0.0002"), count: 1, amount: n("-100"), period: 30),
                            BookEntry(price: n("0.0002"), count: 1, amount: n("-40"), period: 2),
                            BookEntry(price: n("0.0003"), count: 1, amount: n("50"), period: 2),
                            BookEntry(price: n("0.0003"), count: 1, amount: n("20"), period: 7)])
        #expect(both.fundingLevelKey == .ratePeriod && both.bidPeriodsDescending && !both.askPeriodsDescending)
        both.apply(BookEntry(price: n("0.0002"), count: 1, amount: n("-5"), period: 10))
        #expect(both.bids.map(\.period) == [30, 10, 2], "a third period of the rate, in the side's order")
        both.apply(BookEntry(price: n("0.0003"), count: 1, amount: n("9"), period: 4))
        #expect(both.asks.map(\.period) == [2, 4, 7])
        let deleted = both.apply(BookEntry(price: n("0.0002"), count: 0, amount: n("-1"), period: 10))
        #expect(deleted && both.bids.map(\.period) == [30, 2], "a delete removes that period only")
        let missing = both.apply(BookEntry(price: n("0.0002"), count: 0, amount: n("-1"), period: 14))
        #expect(!missing, "no such level")
        #expect(both.checksumString() == "0.0002:-100:0.0003:50:0.0002:-40:0.0003:9:0.0003:20")
        var later = OrderBook(precision: .aggregated, funding: true)
        later.fundingLevelKey = .ratePeriod
        later.applySnapshot([BookEntry(price: n("0.0002"), count: 1, amount: n("-100"), period: 2)])
        #expect(later.fundingLevelKey == .ratePeriod, "a snapshot without a shared rate keeps the key")
    }

    @Test func rawBookRules() {
        var book = OrderBook(precision: .raw)
        book.applySnapshot([RawBookEntry(orderId: 9, price: 101, amount: -1), RawBookEntry(orderId: 3, price: 100, amount: 2)])
        book.apply(RawBookEntry(orderId: 5, price: 100, amount: 1))
        #expect(book.bids.map(\.orderId) == [3, 5])  // same price: ascending id (the default)
        book.apply(RawBookEntry(orderId: 5, price: 102, amount: -2))  // moves to the ask side
        #expect(book.bids.map(\.orderId) == [3] && book.asks.map(\.orderId) == [9, 5])
        let r1 = book.apply(RawBookEntry(orderId: 9, price: 0, amount: 1))
        let r2 = book.apply(RawBookEntry(orderId: 77, price: 0, amount: 1))
        #expect(r1 && !r2)
        #expect(book.checksumString() == "3:2:5:-2")
    }

    /// R0 equal prices (protocol reference §4.4, UNVERIFIED): the snapshot's order shows the
    /// server's rule; the book keeps a consistent current rule and follows it for updates.
    @Test func rawTieOrderFollowsTheSnapshot() {
        func raw(_ id: Int64, _ price: WireNumber, _ amount: WireNumber) -> RawBookEntry { RawBookEntry(orderId: id, price: price, amount: amount) }
        let ascending = [raw(3, 100, 1), raw(5, 100, 2), raw(8, 101, -1), raw(9, 101, -1)]
        let descending = [raw(5, 100, 2), raw(3, 100, 1), raw(9, 101, -1), raw(8, 101, -1)]
        let mixed = [raw(5, 100, 2), raw(3, 100, 1), raw(8, 101, -1), raw(9, 101, -1)]
        let noTies = [raw(5, 100, 2), raw(9, 101, -1)]
        #expect(OrderBook.tieOrder(of: ascending, current: .ascendingID) == .ascendingID)
        #expect(OrderBook.tieOrder(of: descending, current: .ascendingID) == .descendingID)
        #expect(OrderBook.tieOrder(of: mixed, current: .ascendingID) == .arrival)
        #expect(OrderBook.tieOrder(of: noTies, current: .descendingID) == .descendingID, "no tie: keep")
        #expect(OrderBook.tieOrder(of: ascending, current: .arrival) == .arrival, "consistent: keep")
        #expect(OrderBook.tieOrder(of: [raw(3, 100, 1), raw(5, 100, -2)], current: .descendingID) == .descendingID,
                "equal prices on different sides are no tie")

        var book = OrderBook(precision: .raw)
        book.applySnapshot(descending)
        #expect(book.rawTieOrder == .descendingID)
        #expect(book.bids.map(\.orderId) == [5, 3] && book.asks.map(\.orderId) == [9, 8])
        book.apply(raw(4, 100, 1))
        #expect(book.bids.map(\.orderId) == [5, 4, 3], "new order placed by the adopted rule")
        #expect(book.checksumString() == "5:2:9:-1:4:1:8:-1:3:1")

        book.applySnapshot(mixed)
        #expect(book.rawTieOrder == .arrival)
        #expect(book.bids.map(\.orderId) == [5, 3] && book.asks.map(\.orderId) == [8, 9], "the snapshot's order is kept")
        book.apply(raw(1, 100, 3))
        book.apply(raw(5, 100, 1))  // a change: behind the others at its price
        #expect(book.bids.map(\.orderId) == [3, 1, 5])
        book.apply(raw(3, 99, 1))   // a price change moves it to its new price
        #expect(book.bids.map(\.orderId) == [1, 5, 3])
    }

    @Test func checksumCoversOnlyTop25AndEquality() {
        var a = OrderBook()
        for i in 0..<40 {
            a.apply(p(String(1000 - i), 1, "1"))
            a.apply(p(String(1001 + i), 1, "-1"))
        }
        #expect(a.checksumString().split(separator: ":").count == 100)
        var b = a
        b.apply(p("960", 1, "5"))  // a 41st bid level does not change the checksum
        #expect(a.checksum() == b.checksum())
        #expect(a != b)
        b.apply(p("960", 0, "1"))
        #expect(a == b)
        b.apply(p("1000", 1, "2"))
        #expect(a.checksum() != b.checksum())
    }

    @Test func emptyBookChecksum() {
        #expect(OrderBook().checksum() == Int32(bitPattern: CRC32.checksum("")))
        #expect(CRC32.checksum("123456789") == 0xCBF4_3926)  // standard CRC-32 check value
        #expect(OrderBook(kind: .ticker(funding: false)) == nil)
        #expect(OrderBook(kind: .rawBook(funding: true))?.precision == .raw)
    }
}
