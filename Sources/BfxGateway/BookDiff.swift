import BfxProtocol

/// The book updates that turn one verified book into another — the single mechanism behind both
/// ordinary fan-out and healing (ADR 0022).
///
/// The gateway keeps, per upstream book, the book every local subscriber has been told (the
/// *published* book). Each upstream book event carries the client's verified book; the diff
/// between the two is exactly what a local client must apply, whether the upstream event was one
/// level change, several coalesced changes, or a fresh snapshot after a resync or reconnect. A
/// local `cs` is then the checksum of the new published book, which is what the client holds.
enum BookDiff {
    /// One local book update, ready to encode.
    enum Entry: Sendable, Hashable {
        /// An aggregated (P0–P4) level: `count == 0` deletes it.
        case level(BookEntry)
        /// A raw (R0) order: `price == 0` deletes it.
        case order(RawBookEntry)

        var row: JSONValue {
            switch self {
            case .level(let e): e.row
            case .order(let e): e.row
            }
        }
    }

    /// Deletes first (both sides), then changed and new levels, best price first per side.
    static func entries(from old: OrderBook, to new: OrderBook) -> [Entry] {
        new.precision == .raw ? rawEntries(from: old, to: new) : levelEntries(from: old, to: new)
    }

    /// The full book as snapshot rows (bids best first, then asks best first).
    static func snapshot(_ book: OrderBook) -> [Entry] {
        (book.bids + book.asks).map { level in
            book.precision == .raw ? .order(rawEntry(level)) : .level(levelEntry(level))
        }
    }

    // MARK: P0–P4 (identity: price)

    private static func levelEntries(from old: OrderBook, to new: OrderBook) -> [Entry] {
        var deletes: [Entry] = []
        var upserts: [Entry] = []
        for (oldSide, newSide, descending, isBidSide) in [(old.bids, new.bids, true, true), (old.asks, new.asks, false, false)] {
            var i = 0
            var j = 0
            while i < oldSide.count || j < newSide.count {
                let o = i < oldSide.count ? oldSide[i] : nil
                let n = j < newSide.count ? newSide[j] : nil
                switch (o, n) {
                case let (o?, n?) where o.priceValue == n.priceValue:
                    if o != n { upserts.append(.level(levelEntry(n))) }
                    i += 1; j += 1
                case let (o?, n?):
                    let oldFirst = descending ? o.priceValue > n.priceValue : o.priceValue < n.priceValue
                    if oldFirst {
                        deletes.append(.level(deleteEntry(o, bidSide: isBidSide, funding: new.funding))); i += 1
                    } else {
                        upserts.append(.level(levelEntry(n))); j += 1
                    }
                case let (o?, nil):
                    deletes.append(.level(deleteEntry(o, bidSide: isBidSide, funding: new.funding))); i += 1
                case let (nil, n?):
                    upserts.append(.level(levelEntry(n))); j += 1
                case (nil, nil):
                    i += 1; j += 1
                }
            }
        }
        return deletes + upserts
    }

    private static func levelEntry(_ level: BookLevel) -> BookEntry {
        BookEntry(price: level.price, count: level.count, amount: level.amount, period: level.period)
    }

    /// A P delete: count 0, amount 1 for a bid and −1 for an ask (signs reversed for funding,
    /// where a bid has a negative amount) — what the receiving book needs to find the side.
    private static func deleteEntry(_ level: BookLevel, bidSide: Bool, funding: Bool) -> BookEntry {
        let positive = bidSide != funding
        return BookEntry(price: level.price, count: 0, amount: positive ? 1 : -1, period: level.period)
    }

    // MARK: R0 (identity: order id)

    private static func rawEntries(from old: OrderBook, to new: OrderBook) -> [Entry] {
        var newByID: [Int64: BookLevel] = [:]
        newByID.reserveCapacity(new.bids.count + new.asks.count)
        for level in new.bids { newByID[level.orderId ?? 0] = level }
        for level in new.asks { newByID[level.orderId ?? 0] = level }
        var oldByID: [Int64: (level: BookLevel, bid: Bool)] = [:]
        oldByID.reserveCapacity(old.bids.count + old.asks.count)
        for level in old.bids { oldByID[level.orderId ?? 0] = (level, true) }
        for level in old.asks { oldByID[level.orderId ?? 0] = (level, false) }

        var deletes: [Entry] = []
        for level in old.bids + old.asks {
            let id = level.orderId ?? 0
            if newByID[id] == nil {
                deletes.append(.order(RawBookEntry(orderId: id, price: 0, amount: level.amount.isNegative ? -1 : 1, period: level.period)))
            }
        }
        var upserts: [Entry] = []
        for (side, isBid) in [(new.bids, true), (new.asks, false)] {
            for level in side {
                let id = level.orderId ?? 0
                if let previous = oldByID[id], previous.bid == isBid, previous.level == level { continue }
                upserts.append(.order(rawEntry(level)))
            }
        }
        return deletes + upserts
    }

    private static func rawEntry(_ level: BookLevel) -> RawBookEntry {
        RawBookEntry(orderId: level.orderId ?? 0, price: level.price, amount: level.amount, period: level.period)
    }
}
