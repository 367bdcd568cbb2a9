/// The simulator's authoritative order book for one symbol: raw orders (the R0 view) plus
/// incrementally maintained aggregated levels for P0–P4.
///
/// Trading books: a bid is sent with a positive amount, an ask with a negative one. Funding books
/// reverse the sign (amount < 0 = bid) and carry a period (protocol reference §3.2).
struct SimBook: Sendable {
    /// Which side of the book an order rests on.
    enum Side: Sendable { case bid, ask }

    /// A resting raw order.
    struct RawOrder: Sendable, Equatable {
        var id: Int64
        var price: Fixed
        /// Remaining size, always positive.
        var size: Fixed
        var side: Side
        /// Funding period in days (0 for trading books).
        var period: Int
        /// The simulated user owning this order, if any (user orders rest in the public book).
        var ownerUserId: Int?
        /// When the order was added or last resized (the book's counter): the R0 tie-break of
        /// ``ProtocolVariants/RawTies/time``.
        var stamp: Int64 = 0
    }

    /// Aggregation key of a P level.
    struct LevelKey: Sendable, Hashable, Comparable {
        var price: Fixed
        var period: Int
        static func < (lhs: LevelKey, rhs: LevelKey) -> Bool {
            lhs.price != rhs.price ? lhs.price < rhs.price : lhs.period < rhs.period
        }
    }

    /// An aggregated level.
    struct Level: Sendable, Equatable {
        var count: Int
        var size: Fixed
    }

    /// Levels of one precision: keys best-first with their levels in parallel arrays (binary
    /// search, no hashing: `top()` runs per view per tick and read every level through a
    /// dictionary before, which dominated generation in the profile).
    struct Aggregation: Sendable {
        /// Bid keys best-first (descending).
        var bidKeys: [LevelKey] = []
        /// The level of `bidKeys[i]`.
        var bidLevels: [Level] = []
        /// Ask keys best-first (ascending).
        var askKeys: [LevelKey] = []
        /// The level of `askKeys[i]`.
        var askLevels: [Level] = []
    }

    /// The smallest row index touched per side since the last `takeChanges()`, per view kind
    /// (lane 0 = R0, lanes 1...5 = P0...P4; `Int.max` = untouched). A view of length L whose
    /// kind's smallest touched index is >= L cannot have changed (an insert, delete or resize at
    /// or beyond position L leaves the first L rows as they were), so its flush skips building
    /// and diffing its rows (ADR 0017).
    struct Changes: Sendable, Equatable {
        var bids = SIMD8<Int>(repeating: .max)
        var asks = SIMD8<Int>(repeating: .max)

        /// The smallest touched index of either side for a view of `precision` (nil = R0).
        func first(precision: Int?) -> Int {
            let lane = precision.map { $0 + 1 } ?? 0
            return Swift.min(bids[lane], asks[lane])
        }
    }

    let symbol: String
    let isFunding: Bool
    private(set) var changes = Changes()
    private(set) var orders: [Int64: RawOrder] = [:]
    /// Raw bids best-first: price desc, then id asc.
    private(set) var rawBids: [RawOrder] = []
    /// Raw asks best-first: price asc, then id asc.
    private(set) var rawAsks: [RawOrder] = []
    /// P0...P4.
    private(set) var aggregations: [Aggregation] = Array(repeating: Aggregation(), count: 5)
    /// R0 order of equal prices (``ProtocolVariants/rawTies``); fixed at creation, the raw arrays
    /// are sorted by it.
    let rawTies: ProtocolVariants.RawTies
    /// Funding P level identity (``ProtocolVariants/fundingLevels``); fixed at creation.
    let fundingLevels: ProtocolVariants.FundingLevels
    /// The last ``RawOrder/stamp`` given.
    private var stampCounter: Int64 = 0

    init(symbol: String, rawTies: ProtocolVariants.RawTies = .ascendingID, fundingLevels: ProtocolVariants.FundingLevels = .rate) {
        self.symbol = symbol
        self.isFunding = symbol.hasPrefix("f")
        self.rawTies = rawTies
        self.fundingLevels = fundingLevels
    }

    /// Significant figures for P0...P4.
    static func figures(forPrecision precision: Int) -> Int { 5 - precision }

    /// The aggregation key of a price at a precision (bids floor, asks ceil, so sides never cross).
    /// Funding levels are keyed by rate only, their period a deterministic function of the
    /// rounded rate, or with ``ProtocolVariants/FundingLevels/ratePeriod`` by rate and the
    /// offer's period (the real server's rule is UNVERIFIED).
    func levelKey(price: Fixed, period: Int, side: Side, precision: Int) -> LevelKey {
        let rounded = price.roundedToSignificantFigures(SimBook.figures(forPrecision: precision), up: side == .ask)
        guard isFunding else { return LevelKey(price: rounded, period: 0) }
        return LevelKey(price: rounded, period: fundingLevels == .ratePeriod ? period : SimBook.fundingPeriod(for: rounded))
    }

    /// Period (days) shown for a funding rate level.
    static func fundingPeriod(for rate: Fixed) -> Int {
        let periods = [2, 3, 4, 5, 7, 10, 14, 15, 20, 30]
        var t = rate.units
        while t > 0, t % 10 == 0 { t /= 10 }
        return periods[Int(t % Int64(periods.count))]
    }

    /// The signed wire amount of a size on a side.
    func wireAmount(size: Fixed, side: Side) -> Fixed {
        let positive = isFunding ? side == .ask : side == .bid
        return positive ? size : -size
    }

    var bestBid: Fixed? { rawBids.first?.price }
    var bestAsk: Fixed? { rawAsks.first?.price }

    // MARK: mutation

    /// The changes since the last call, and a fresh start.
    mutating func takeChanges() -> Changes {
        let taken = changes
        changes = Changes()
        return taken
    }

    @inline(__always)
    private mutating func mark(_ side: Side, lane: Int, index: Int) {
        switch side {
        case .bid: if index < changes.bids[lane] { changes.bids[lane] = index }
        case .ask: if index < changes.asks[lane] { changes.asks[lane] = index }
        }
    }

    mutating func add(_ order: RawOrder) {
        guard orders[order.id] == nil, order.size.units > 0 else { return }
        var order = order
        stampCounter += 1
        order.stamp = stampCounter
        orders[order.id] = order
        insertRaw(order)
        for p in 0..<5 { adjustLevel(order, precision: p, countDelta: 1, sizeDelta: order.size) }
    }

    @discardableResult
    mutating func remove(id: Int64) -> RawOrder? {
        guard let order = orders.removeValue(forKey: id) else { return nil }
        removeRaw(order)
        for p in 0..<5 { adjustLevel(order, precision: p, countDelta: -1, sizeDelta: -order.size) }
        return order
    }

    /// Sets a new remaining size (removes the order when it reaches zero).
    mutating func resize(id: Int64, to size: Fixed) {
        guard let old = orders[id] else { return }
        if size.units <= 0 { remove(id: id); return }
        var updated = old
        updated.size = size
        if rawTies == .time {
            // time priority: a resized order goes behind the others at its price
            stampCounter += 1
            updated.stamp = stampCounter
            orders[id] = updated
            removeRaw(old)
            insertRaw(updated)
        } else {
            orders[id] = updated
            replaceRaw(updated)
        }
        for p in 0..<5 { adjustLevel(old, precision: p, countDelta: 0, sizeDelta: size - old.size) }
    }

    private mutating func adjustLevel(_ order: RawOrder, precision: Int, countDelta: Int, sizeDelta: Fixed) {
        let key = levelKey(price: order.price, period: order.period, side: order.side, precision: precision)
        // mutate the aggregation in place: copying it out of the array and writing it back would
        // copy its dictionaries on every order change (copy-on-write with two references)
        let index = SimBook.adjust(&aggregations[precision], key: key, side: order.side, countDelta: countDelta, sizeDelta: sizeDelta)
        mark(order.side, lane: precision + 1, index: index)
    }

    /// Applies the change; returns the level index it touched.
    private static func adjust(_ agg: inout Aggregation, key: LevelKey, side: Side, countDelta: Int, sizeDelta: Fixed) -> Int {
        switch side {
        case .bid: adjust(&agg.bidKeys, &agg.bidLevels, key: key, descending: true, countDelta: countDelta, sizeDelta: sizeDelta)
        case .ask: adjust(&agg.askKeys, &agg.askLevels, key: key, descending: false, countDelta: countDelta, sizeDelta: sizeDelta)
        }
    }

    private static func adjust(
        _ keys: inout [LevelKey], _ levels: inout [Level], key: LevelKey, descending: Bool, countDelta: Int, sizeDelta: Fixed
    ) -> Int {
        let position = SimBook.search(keys, key, descending: descending)
        if let i = position.found {
            levels[i].count += countDelta
            levels[i].size = levels[i].size + sizeDelta
            if levels[i].count <= 0 {
                keys.remove(at: i)
                levels.remove(at: i)
            }
        } else if countDelta > 0 {
            keys.insert(key, at: position.index)
            levels.insert(Level(count: countDelta, size: sizeDelta), at: position.index)
        }
        return position.index
    }

    /// Binary search in a best-first key array.
    private static func search(_ keys: [LevelKey], _ key: LevelKey, descending: Bool) -> (index: Int, found: Int?) {
        var low = 0
        var high = keys.count
        while low < high {
            let mid = (low + high) / 2
            let k = keys[mid]
            if k == key { return (mid, mid) }
            let before = descending ? key < k : k < key
            if before { low = mid + 1 } else { high = mid }
        }
        return (low, nil)
    }

    /// R0 ordering: price priority, then period, then the ``rawTies`` rule.
    private static func rawBefore(_ a: RawOrder, _ b: RawOrder, side: Side, ties: ProtocolVariants.RawTies) -> Bool {
        if a.price != b.price { return side == .bid ? a.price > b.price : a.price < b.price }
        if a.period != b.period { return a.period < b.period }
        switch ties {
        case .ascendingID: return a.id < b.id
        case .descendingID: return a.id > b.id
        case .time: return a.stamp != b.stamp ? a.stamp < b.stamp : a.id < b.id
        }
    }

    private func rawIndex(_ list: [RawOrder], _ order: RawOrder) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let mid = (low + high) / 2
            if SimBook.rawBefore(list[mid], order, side: order.side, ties: rawTies) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private mutating func insertRaw(_ order: RawOrder) {
        switch order.side {
        case .bid:
            let i = rawIndex(rawBids, order)
            rawBids.insert(order, at: i)
            mark(.bid, lane: 0, index: i)
        case .ask:
            let i = rawIndex(rawAsks, order)
            rawAsks.insert(order, at: i)
            mark(.ask, lane: 0, index: i)
        }
    }

    private mutating func removeRaw(_ order: RawOrder) {
        switch order.side {
        case .bid:
            let i = rawIndex(rawBids, order)
            mark(.bid, lane: 0, index: i)
            if i < rawBids.count, rawBids[i].id == order.id { rawBids.remove(at: i) }
        case .ask:
            let i = rawIndex(rawAsks, order)
            mark(.ask, lane: 0, index: i)
            if i < rawAsks.count, rawAsks[i].id == order.id { rawAsks.remove(at: i) }
        }
    }

    private mutating func replaceRaw(_ order: RawOrder) {
        switch order.side {
        case .bid:
            let i = rawIndex(rawBids, order)
            mark(.bid, lane: 0, index: i)
            if i < rawBids.count, rawBids[i].id == order.id { rawBids[i] = order }
        case .ask:
            let i = rawIndex(rawAsks, order)
            mark(.ask, lane: 0, index: i)
            if i < rawAsks.count, rawAsks[i].id == order.id { rawAsks[i] = order }
        }
    }

    // MARK: views

    /// One row of a book view as it appears on the wire.
    enum Row: Sendable, Equatable {
        /// P level: price (or rate), period (funding only), count, signed amount.
        case level(price: Fixed, period: Int?, count: Int, amount: Fixed)
        /// R0 order: id, price (or rate), period (funding only), signed amount.
        case raw(id: Int64, price: Fixed, period: Int?, amount: Fixed)
    }

    /// Identity of a row within a view (what an update replaces/deletes).
    enum RowID: Hashable, Sendable {
        case level(LevelKey, Side)
        case raw(Int64)
    }

    /// The top `length` entries per side of the view (bids first, then asks, each best-first).
    func top(precision: Int?, length: Int) -> (bids: [(RowID, Row)], asks: [(RowID, Row)]) {
        let period: (Int) -> Int? = { isFunding ? $0 : nil }
        if let precision {
            let agg = aggregations[precision]
            var bids: [(RowID, Row)] = []
            var asks: [(RowID, Row)] = []
            bids.reserveCapacity(min(length, agg.bidKeys.count))
            asks.reserveCapacity(min(length, agg.askKeys.count))
            for i in 0..<min(length, agg.bidKeys.count) {
                let key = agg.bidKeys[i]
                let level = agg.bidLevels[i]
                bids.append((.level(key, .bid), .level(price: key.price, period: period(key.period), count: level.count, amount: wireAmount(size: level.size, side: .bid))))
            }
            for i in 0..<min(length, agg.askKeys.count) {
                let key = agg.askKeys[i]
                let level = agg.askLevels[i]
                asks.append((.level(key, .ask), .level(price: key.price, period: period(key.period), count: level.count, amount: wireAmount(size: level.size, side: .ask))))
            }
            return (bids, asks)
        }
        let bids = rawBids.prefix(length).map { o in (RowID.raw(o.id), Row.raw(id: o.id, price: o.price, period: period(o.period), amount: wireAmount(size: o.size, side: .bid))) }
        let asks = rawAsks.prefix(length).map { o in (RowID.raw(o.id), Row.raw(id: o.id, price: o.price, period: period(o.period), amount: wireAmount(size: o.size, side: .ask))) }
        return (bids, asks)
    }

    /// The row that deletes `id` from a client's book (count 0 / price 0 rules, reference §3.2).
    func deletionRow(for id: RowID, previous: Row) -> Row {
        switch previous {
        case .level(let price, let period, _, _):
            var side = Side.bid
            if case .level(_, let s) = id { side = s }
            // count 0 deletes; amount 1 → bids, -1 → asks (sign reversed for funding)
            return .level(price: price, period: period, count: 0, amount: wireAmount(size: Fixed(1), side: side))
        case .raw(let orderID, _, let period, let amount):
            return .raw(id: orderID, price: .zero, period: period, amount: amount.units >= 0 ? Fixed(1) : Fixed(-1))
        }
    }
}

extension SimBook.Row {
    /// Writes the row in the documented field order.
    func write(to w: inout WireWriter) {
        w.beginArray()
        switch self {
        case .level(let price, let period, let count, let amount):
            w.decimal(price)
            if let period { w.int(period) }
            w.int(count)
            w.decimal(amount)
        case .raw(let id, let price, let period, let amount):
            w.int(id)
            if let period { w.int(period); w.decimal(price) } else { w.decimal(price) }
            w.decimal(amount)
        }
        w.endArray()
    }

    /// Appends the row's JSON exactly as `write(to:)` renders it (bytes, no `String`): the book
    /// hot path of `flushBooks`. `SimBookRowBytesTests` checks equality with the writer.
    func appendJSON(to out: inout [UInt8], decimalsAsStrings: Bool) {
        func decimal(_ value: Fixed) {
            if decimalsAsStrings { out.append(UInt8(ascii: "\"")); value.appendJSText(to: &out); out.append(UInt8(ascii: "\"")) }
            else { value.appendJSText(to: &out) }
        }
        let comma = UInt8(ascii: ",")
        out.append(UInt8(ascii: "["))
        switch self {
        case .level(let price, let period, let count, let amount):
            decimal(price)
            if let period { out.append(comma); Fixed.appendDecimal(Int64(period), to: &out) }
            out.append(comma); Fixed.appendDecimal(Int64(count), to: &out)
            out.append(comma); decimal(amount)
        case .raw(let id, let price, let period, let amount):
            Fixed.appendDecimal(id, to: &out)
            if let period { out.append(comma); Fixed.appendDecimal(Int64(period), to: &out) }
            out.append(comma); decimal(price)
            out.append(comma); decimal(amount)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// The checksum key text (price for P, order id for R0) and amount text (reference §4.2).
    /// Appends `key:amount:` (checksum input bytes, same text as `checksumParts`).
    func appendChecksumParts(to out: inout [UInt8]) {
        switch self {
        case .level(let price, _, _, let amount): price.appendJSText(to: &out); out.append(UInt8(ascii: ":")); amount.appendJSText(to: &out)
        case .raw(let id, _, _, let amount): Fixed.appendDecimal(id, to: &out); out.append(UInt8(ascii: ":")); amount.appendJSText(to: &out)
        }
        out.append(UInt8(ascii: ":"))
    }

    var checksumParts: (key: String, amount: String) {
        switch self {
        case .level(let price, _, _, let amount): return (price.jsText, amount.jsText)
        case .raw(let id, _, _, let amount): return (String(id), amount.jsText)
        }
    }
}
