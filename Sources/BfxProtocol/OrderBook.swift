/// A Bitfinex order book (P0–P4 levels or R0 raw orders, trading or funding) maintained from a
/// snapshot plus updates, with the CRC-32 checksum of the interleaved top 25.
///
/// Both sides are kept best-first in pre-reserved sorted arrays: bids by price descending, asks
/// by price ascending (R0: equal prices in the server's order, ``RawTieOrder``, detected from each
/// snapshot). Applying an update is a binary
/// search plus an in-place insert/replace/remove — no allocation while within the reserved
/// capacity. ``checksum()`` runs the CRC over the number bytes directly (no `String`).
/// See docs/adr/0003-order-book-and-checksum.md.
public struct OrderBook: Sendable, Equatable {
    /// P0–P4 (price levels) or R0 (individual orders).
    public enum Precision: Sendable, Hashable {
        /// P0–P4: key = price, entries `[PRICE,COUNT,AMOUNT]`.
        case aggregated
        /// R0: key = order id, entries `[ORDER_ID,PRICE,AMOUNT]`.
        case raw
    }

    /// How R0 orders at one price are ordered (protocol reference §4.4: the server's rule is
    /// UNVERIFIED; the checksum covers the top 25 orders, so the order of equal prices matters).
    public enum RawTieOrder: String, Sendable, Hashable, CaseIterable {
        /// Ascending order id (the official Node library's rule; the default).
        case ascendingID = "ascending_id"
        /// Descending order id.
        case descendingID = "descending_id"
        /// The order of the last change: a new or changed order goes behind the orders already at
        /// its price; a snapshot's order is kept as sent.
        case arrival
    }

    /// What identifies a level of a funding P book (the server's rule is UNVERIFIED, ADR 0005):
    /// the rate alone, or the rate and the period (two levels may then share a rate).
    public enum FundingLevelKey: String, Sendable, Hashable, CaseIterable {
        /// One level per rate; an update with another period replaces the level (the default).
        case rate
        /// One level per rate and period.
        case ratePeriod = "rate_period"
    }

    /// Levels or raw orders.
    public let precision: Precision
    /// R0: how orders at one price are ordered. Each R0 snapshot keeps the current rule when the
    /// snapshot's order is consistent with it, otherwise adopts the first consistent one of
    /// ascending id, descending id, arrival (always consistent), so a server using another rule
    /// than Node's is followed after at most one resync. Set it before applying a snapshot (the
    /// orders already in the book are not re-sorted).
    public var rawTieOrder: RawTieOrder = .ascendingID
    /// Funding P books: what identifies a level. A snapshot with two levels of one rate on one
    /// side switches to ``FundingLevelKey/ratePeriod`` (a rate-keyed server cannot send that);
    /// otherwise the current key is kept. Set it before applying a snapshot.
    public var fundingLevelKey: FundingLevelKey = .rate
    /// Funding P books keyed by rate and period: whether levels of one rate are ordered by
    /// descending period on the bid side (read from the snapshot; ascending until one shows it).
    public var bidPeriodsDescending = false
    /// The same for the ask side.
    public var askPeriodsDescending = false
    /// `true` for funding books (amount < 0 is a bid).
    public let funding: Bool
    /// Bid side, best (highest price) first.
    public private(set) var bids: [BookLevel]
    /// Ask side, best (lowest price) first.
    public private(set) var asks: [BookLevel]

    /// Creates an empty book reserving `capacity` entries per side (use ≥ the subscribed `len`
    /// plus headroom; growing beyond it allocates once).
    public init(precision: Precision = .aggregated, funding: Bool = false, capacity: Int = 256) {
        self.precision = precision
        self.funding = funding
        bids = []
        asks = []
        bids.reserveCapacity(capacity)
        asks.reserveCapacity(capacity)
    }

    /// Takes over the server rules `other` has learnt (``rawTieOrder``, ``fundingLevelKey`` and
    /// the funding period orders), so a resync keeps them; call it before applying a snapshot.
    public mutating func adoptRules(of other: OrderBook) {
        rawTieOrder = other.rawTieOrder
        fundingLevelKey = other.fundingLevelKey
        bidPeriodsDescending = other.bidPeriodsDescending
        askPeriodsDescending = other.askPeriodsDescending
    }

    /// Creates an empty book for a `book`/`rawBook` channel kind (`nil` for other kinds).
    public init?(kind: ChannelKind, capacity: Int = 256) {
        switch kind {
        case .book(let f): self.init(precision: .aggregated, funding: f, capacity: capacity)
        case .rawBook(let f): self.init(precision: .raw, funding: f, capacity: capacity)
        default: return nil
        }
    }

    /// Removes every level, keeping capacity.
    public mutating func removeAll() {
        bids.removeAll(keepingCapacity: true)
        asks.removeAll(keepingCapacity: true)
    }

    /// The highest-priced bid level (first of ``bids``), or `nil` when the bid side is empty.
    public var bestBid: BookLevel? { bids.first }
    /// The lowest-priced ask level (first of ``asks``), or `nil` when the ask side is empty.
    public var bestAsk: BookLevel? { asks.first }
    /// `true` if both sides are empty.
    public var isEmpty: Bool { bids.isEmpty && asks.isEmpty }

    /// The best `n` levels of each side, best first.
    public func top(_ n: Int) -> (bids: ArraySlice<BookLevel>, asks: ArraySlice<BookLevel>) {
        let k = max(0, n)
        return (bids.prefix(k), asks.prefix(k))
    }

    @inline(__always)
    func isBid(_ amount: WireNumber) -> Bool {
        funding ? amount.isNegative : !amount.isNegative
    }

    // MARK: P0–P4

    /// Replaces the book with a P snapshot (funding: first reading ``fundingLevelKey`` and the
    /// period order of equal rates from it).
    public mutating func applySnapshot(_ entries: [BookEntry]) {
        removeAll()
        if funding { readFundingLevels(entries) }
        for e in entries { apply(e) }
    }

    /// Two adjacent levels of one rate on one side: the server keys levels by rate and period,
    /// and their order shows the side's period order.
    mutating func readFundingLevels(_ entries: [BookEntry]) {
        guard let evidence = Self.sharedRates(in: entries) else { return }
        fundingLevelKey = .ratePeriod
        if let descending = evidence.bidPeriodsDescending { bidPeriodsDescending = descending }
        if let descending = evidence.askPeriodsDescending { askPeriodsDescending = descending }
    }

    /// What a funding P snapshot shows of level identity: `nil` when no two adjacent levels of
    /// one side share a rate (a rate-keyed server's snapshot); otherwise each side's period order
    /// where it has such a pair (the last pair decides). Also what `bfxrun doctor` reports.
    public static func sharedRates(in entries: [BookEntry]) -> (bidPeriodsDescending: Bool?, askPeriodsDescending: Bool?)? {
        var found = false
        var bids: Bool?
        var asks: Bool?
        for (a, b) in zip(entries, entries.dropFirst()) {
            guard a.count > 0, b.count > 0, a.price.double == b.price.double, a.amount.isNegative == b.amount.isNegative,
                  let pa = a.period, let pb = b.period, pa != pb else { continue }
            found = true
            // funding: amount < 0 is a bid
            if a.amount.isNegative { bids = pa > pb } else { asks = pa > pb }
        }
        return found ? (bids, asks) : nil
    }

    /// Applies one P update: count > 0 adds/replaces the level; count == 0 deletes it
    /// (amount 1 → bids, −1 → asks; reversed for funding). Returns `false` if a delete found
    /// no such level (a hint that the book is out of sync).
    @discardableResult
    public mutating func apply(_ e: BookEntry) -> Bool {
        let bid = isBid(e.amount)
        let price = e.price.double
        if funding && fundingLevelKey == .ratePeriod { return applyByRateAndPeriod(e, bid: bid, rate: price) }
        if e.count > 0 {
            let level = BookLevel(key: e.price, price: e.price, amount: e.amount, count: e.count, orderId: nil, period: e.period)
            if bid { OrderBook.upsert(&bids, level, price, descending: true) } else { OrderBook.upsert(&asks, level, price, descending: false) }
            return true
        }
        if bid { return OrderBook.remove(&bids, price, descending: true) }
        return OrderBook.remove(&asks, price, descending: false)
    }

    /// A funding P update when levels are keyed by rate and period.
    private mutating func applyByRateAndPeriod(_ e: BookEntry, bid: Bool, rate: Double) -> Bool {
        let period = e.period ?? 0
        let periodsDescending = bid ? bidPeriodsDescending : askPeriodsDescending
        func position(_ side: [BookLevel]) -> (index: Int, found: Bool) {
            var lo = 0
            var hi = side.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                let p = side[mid].priceValue
                let q = side[mid].period ?? 0
                let better = p != rate ? (bid ? p > rate : p < rate) : (periodsDescending ? q > period : q < period)
                if better { lo = mid + 1 } else { hi = mid }
            }
            return (lo, lo < side.count && side[lo].priceValue == rate && (side[lo].period ?? 0) == period)
        }
        func update(_ side: inout [BookLevel]) -> Bool {
            let (i, found) = position(side)
            if e.count > 0 {
                let level = BookLevel(key: e.price, price: e.price, amount: e.amount, count: e.count, orderId: nil, period: e.period)
                if found { side[i] = level } else { side.insert(level, at: i) }
                return true
            }
            if found { side.remove(at: i) }
            return found
        }
        return bid ? update(&bids) : update(&asks)
    }

    /// Index of the first level not strictly better than `price`.
    @inline(__always)
    static func lowerBound(_ side: [BookLevel], _ price: Double, descending: Bool) -> Int {
        var lo = 0
        var hi = side.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let p = side[mid].priceValue
            let better = descending ? p > price : p < price
            if better { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    @inline(__always)
    static func upsert(_ side: inout [BookLevel], _ level: BookLevel, _ price: Double, descending: Bool) {
        let i = lowerBound(side, price, descending: descending)
        if i < side.count && side[i].priceValue == price {
            side[i] = level
        } else {
            side.insert(level, at: i)
        }
    }

    @inline(__always)
    static func remove(_ side: inout [BookLevel], _ price: Double, descending: Bool) -> Bool {
        let i = lowerBound(side, price, descending: descending)
        if i < side.count && side[i].priceValue == price {
            side.remove(at: i)
            return true
        }
        return false
    }

    // MARK: R0

    /// Replaces the book with an R0 snapshot, first adopting the ``RawTieOrder`` the snapshot's
    /// order of equal prices shows (see ``rawTieOrder``).
    public mutating func applySnapshot(_ entries: [RawBookEntry]) {
        removeAll()
        rawTieOrder = Self.tieOrder(of: entries, current: rawTieOrder)
        for e in entries { apply(e) }
    }

    /// The rule a snapshot's runs of equal prices (same side, adjacent) are consistent with:
    /// `current` if it is, else ascending id, descending id, arrival. No tie: `current`.
    public static func tieOrder(of entries: [RawBookEntry], current: RawTieOrder) -> RawTieOrder {
        guard let consistent = consistentTieOrders(of: entries) else { return current }
        return consistent.contains(current) ? current : consistent[0]
    }

    /// The rules a snapshot's order of equal prices is consistent with, in the order ascending
    /// id, descending id, arrival (always consistent); `nil` when the snapshot has no two
    /// adjacent orders of one price on one side (it shows nothing). Also what `bfxrun doctor`
    /// reports.
    public static func consistentTieOrders(of entries: [RawBookEntry]) -> [RawTieOrder]? {
        var ascending = true
        var descending = true
        var tie = false
        for (a, b) in zip(entries, entries.dropFirst()) {
            guard !a.price.isZero, a.price.double == b.price.double, a.amount.isNegative == b.amount.isNegative else { continue }
            tie = true
            if a.orderId > b.orderId { ascending = false } else if a.orderId < b.orderId { descending = false }
        }
        guard tie else { return nil }
        return RawTieOrder.allCases.filter { order in
            switch order {
            case .ascendingID: ascending
            case .descendingID: descending
            case .arrival: true
            }
        }
    }

    /// Applies one R0 update: price > 0 adds/updates the order by id; price == 0 deletes it.
    /// Returns `false` if a delete found no such order.
    @discardableResult
    public mutating func apply(_ e: RawBookEntry) -> Bool {
        var removed = false
        if let i = bids.firstIndex(where: { $0.orderId == e.orderId }) {
            bids.remove(at: i)
            removed = true
        } else if let i = asks.firstIndex(where: { $0.orderId == e.orderId }) {
            asks.remove(at: i)
            removed = true
        }
        if e.price.isZero { return removed }
        let level = BookLevel(key: WireNumber(e.orderId), price: e.price, amount: e.amount, count: 1, orderId: e.orderId, period: e.period)
        if isBid(e.amount) {
            OrderBook.insertRaw(&bids, level, descending: true, ties: rawTieOrder)
        } else {
            OrderBook.insertRaw(&asks, level, descending: false, ties: rawTieOrder)
        }
        return true
    }

    @inline(__always)
    static func insertRaw(_ side: inout [BookLevel], _ level: BookLevel, descending: Bool, ties: RawTieOrder) {
        let price = level.priceValue
        let id = level.orderId ?? 0
        var lo = 0
        var hi = side.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let p = side[mid].priceValue
            let before = descending ? (p > price) : (p < price)
            let tieBefore: Bool
            switch ties {
            case .ascendingID: tieBefore = (side[mid].orderId ?? 0) < id
            case .descendingID: tieBefore = (side[mid].orderId ?? 0) > id
            case .arrival: tieBefore = true
            }
            if before || (p == price && tieBefore) { lo = mid + 1 } else { hi = mid }
        }
        side.insert(level, at: lo)
    }

    // MARK: Frames

    /// Applies a book frame for this book's kind (snapshot, update or bulk updates).
    /// Returns `false` for frames that are not book data (they are ignored).
    @discardableResult
    public mutating func apply(frame: Frame) -> Bool {
        switch frame {
        case .bookSnapshot(_, let entries, _): applySnapshot(entries)
        case .bookUpdate(_, let e, _): apply(e)
        case .bookUpdates(_, let es, _): for e in es { apply(e) }
        case .rawBookSnapshot(_, let entries, _): applySnapshot(entries)
        case .rawBookUpdate(_, let e, _): apply(e)
        case .rawBookUpdates(_, let es, _): for e in es { apply(e) }
        default: return false
        }
        return true
    }

    // MARK: Checksum

    /// The number of levels per side covered by the checksum.
    public static let checksumDepth = 25

    /// CRC-32 (signed Int32) of `key:amount` for the interleaved top 25 bids/asks joined with
    /// `:`, using the exact wire text of every number (bitfinex-protocol.md §4).
    public func checksum() -> Int32 {
        // The `key:amount` bytes of the interleaved top 25 are copied straight from each level's
        // inline storage (read in place through the arrays' buffers, no level copies) into one
        // stack buffer (50 × (31 + 1 + 31 + 1) bytes at most), then hashed in a single pass
        // (carry-less multiplication where the CPU has it, ADR 0030).
        let depth = OrderBook.checksumDepth
        return withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 16) { buf in
            guard let base = buf.baseAddress else { return 0 }
            var pos = 0
            @inline(__always) func put(_ n: WireNumber) {
                // Whole 32-byte storage copied; only `count` bytes are kept.
                Swift.withUnsafeBytes(of: n.storage) { src in
                    if let s = src.baseAddress { (base + pos).copyMemory(from: s, byteCount: 32) }
                }
                pos += n.count
                base.storeBytes(of: UInt8(ascii: ":"), toByteOffset: pos, as: UInt8.self)
                pos += 1
            }
            bids.withUnsafeBufferPointer { b in
                asks.withUnsafeBufferPointer { a in
                    let nb = Swift.min(depth, b.count)
                    let na = Swift.min(depth, a.count)
                    for i in 0..<Swift.max(nb, na) {
                        if i < nb { put(b[i].key); put(b[i].amount) }
                        if i < na { put(a[i].key); put(a[i].amount) }
                    }
                }
            }
            if pos > 0 { pos -= 1 }  // trailing ":"
            let crc = CRC32.updateAccelerated(CRC32.initial, UnsafeRawBufferPointer(start: base, count: pos))
            return Int32(bitPattern: CRC32.finalize(crc))
        }
    }

    /// The string ``checksum()`` hashes (for diagnostics and tests).
    public func checksumString() -> String {
        var parts: [String] = []
        for i in 0..<OrderBook.checksumDepth {
            if i < bids.count { parts.append(bids[i].key.text); parts.append(bids[i].amount.text) }
            if i < asks.count { parts.append(asks[i].key.text); parts.append(asks[i].amount.text) }
        }
        return parts.joined(separator: ":")
    }
}
