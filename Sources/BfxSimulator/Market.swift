import BfxProtocol
/// Monotonic id source shared by all markets and accounts of one simulator (ids are unique
/// across symbols, like Bitfinex order and trade ids).
struct IdAllocator: Sendable {
    var nextOrderId: Int64
    var nextTradeId: Int64
    init(seed: UInt64) {
        nextOrderId = 50_000_000_000 + Int64(seed % 1_000_000) * 1000
        nextTradeId = 1_400_000_000 + Int64(seed % 1_000_000) * 100
    }
    mutating func order() -> Int64 { nextOrderId += 1; return nextOrderId }
    mutating func trade() -> Int64 { nextTradeId += 1; return nextTradeId }
}

/// A public trade.
struct PublicTrade: Sendable, Equatable {
    var id: Int64
    var mts: Int64
    /// Signed amount: > 0 the taker bought (trading) / lent side per Bitfinex funding convention.
    var amount: Fixed
    var price: Fixed
    /// Funding period (nil for trading).
    var period: Int?
}

/// One OHLCV candle.
struct Candle: Sendable, Equatable {
    var mts: Int64
    var open: Fixed
    var close: Fixed
    var high: Fixed
    var low: Fixed
    var volume: Fixed
}

/// A maker order (partly) filled by a taker.
struct MakerFill: Sendable {
    var maker: SimBook.RawOrder
    var size: Fixed
    var price: Fixed
    var tradeId: Int64
}

/// What one market step changed.
struct MarketStepResult: Sendable {
    var trades: [PublicTrade] = []
    var makerFills: [MakerFill] = []
    var bookChanged = false
}

/// One simulated market: its authoritative book, recent trades, candles and ticker statistics,
/// and a seeded random generator that moves it.
struct Market: Sendable {
    let symbol: String
    let isFunding: Bool
    var book: SimBook
    /// Field order of the funding ticker (``ProtocolVariants/fundingTicker``).
    let fundingTicker: ProtocolVariants.FundingTickerOrder
    var rng: SplitMix64
    /// Units of the 5th significant figure around the initial price (the price step).
    let priceStep: Int64
    let sizeRange: ClosedRange<Double>
    let sizeDecimals: Int
    var lastPrice: Fixed
    var dayOpen: Fixed
    var volume: Fixed = .zero
    var high: Fixed
    var low: Fixed
    var trades: [PublicTrade] = []
    var candles: [Timeframe: [Candle]] = [:]
    let tradeHistory: Int
    let candleHistory: Int
    let targetDepth: Int
    static let fundingPeriods = [2, 3, 4, 5, 7, 10, 14, 15, 20, 30]

    /// Base parameters for known symbols; unknown trading symbols trade around 100.
    static func parameters(for symbol: String) -> (price: Fixed, sizes: ClosedRange<Double>, decimals: Int) {
        switch symbol {
        case "tBTCUSD": (Fixed(60_000), 0.001...2, 4)
        case "tETHUSD": (Fixed(3_000), 0.01...20, 3)
        case "tXRPBTC": (Fixed(units: 123_450), 100...50_000, 0)
        case "tETHBTC": (Fixed(units: 500_000_000), 0.1...20, 3)
        case "tXRPUSD": (Fixed(units: 5_123_400_000), 100...50_000, 0)
        case "fUSD": (Fixed(units: 2_000_000), 100...50_000, 2)
        case "fBTC": (Fixed(units: 500_000), 0.1...10, 4)
        default: (symbol.hasPrefix("f") ? Fixed(units: 1_000_000) : Fixed(100), 0.1...50, 3)
        }
    }

    init(symbol: String, seed: UInt64, now: Int64, depth: Int, tradeHistory: Int, candleHistory: Int, ids: inout IdAllocator,
         variants: ProtocolVariants = ProtocolVariants()) {
        self.symbol = symbol
        self.fundingTicker = variants.fundingTicker
        self.isFunding = symbol.hasPrefix("f")
        self.book = SimBook(symbol: symbol, rawTies: variants.rawTies, fundingLevels: variants.fundingLevels)
        self.rng = SplitMix64(seed: seed, stream: symbol)
        let p = Market.parameters(for: symbol)
        var digits = 0
        var t = p.price.units
        while t > 0 { t /= 10; digits += 1 }
        var step: Int64 = 1
        for _ in 0..<max(0, digits - 5) { step *= 10 }
        self.priceStep = step
        self.sizeRange = p.sizes
        self.sizeDecimals = p.decimals
        self.lastPrice = p.price
        self.dayOpen = p.price
        self.high = p.price
        self.low = p.price
        self.tradeHistory = tradeHistory
        self.candleHistory = candleHistory
        self.targetDepth = depth
        for _ in 0..<depth {
            addRandomOrder(side: .bid, ids: &ids)
            addRandomOrder(side: .ask, ids: &ids)
        }
        seedHistory(now: now, ids: &ids)
    }

    var mid: Fixed {
        guard let bid = book.bestBid, let ask = book.bestAsk else { return lastPrice }
        let m = (bid.units + ask.units) / 2
        return Fixed(units: max(priceStep, (m / priceStep) * priceStep))
    }

    mutating func randomSize() -> Fixed {
        let raw = Double.random(in: sizeRange, using: &rng)
        var factor = 1.0
        for _ in 0..<sizeDecimals { factor *= 10 }
        return Fixed((raw * factor).rounded() / factor)
    }

    mutating func randomPeriod() -> Int {
        isFunding ? Market.fundingPeriods[Int.random(in: 0..<Market.fundingPeriods.count, using: &rng)] : 0
    }

    /// Adds a random order on one side, never crossing the other side.
    mutating func addRandomOrder(side: SimBook.Side, ids: inout IdAllocator) {
        // offsets cluster near the touch: squared uniform
        let u = Double.random(in: 0..<1, using: &rng)
        let offset = Int64(1 + (u * u * u * 400).rounded(.down))
        let center = mid.units
        var price: Int64
        switch side {
        case .bid:
            price = center - offset * priceStep
            if let ask = book.bestAsk?.units, price >= ask { price = ask - priceStep }
        case .ask:
            price = center + offset * priceStep
            if let bid = book.bestBid?.units, price <= bid { price = bid + priceStep }
        }
        guard price > 0 else { return }
        let order = SimBook.RawOrder(
            id: ids.order(), price: Fixed(units: price), size: randomSize(), side: side,
            period: !isFunding ? 0 : book.fundingLevels == .ratePeriod ? randomPeriod() : SimBook.fundingPeriod(for: Fixed(units: price)),
            ownerUserId: nil
        )
        book.add(order)
    }

    /// Executes a taker of `size` against the opposite side; `limit` stops at that price.
    /// `takerSide` is the side the taker is on (.bid = buying).
    mutating func executeTaker(
        takerSide: SimBook.Side, size: Fixed, limit: Fixed?, now: Int64, ids: inout IdAllocator,
        excludingUser: Int? = nil
    ) -> MarketStepResult {
        var result = MarketStepResult()
        var remaining = size
        var guardCount = 0
        while remaining.units > 0, guardCount < 10_000 {
            guardCount += 1
            let candidates = takerSide == .bid ? book.rawAsks : book.rawBids
            guard let maker = candidates.first(where: { $0.ownerUserId == nil || $0.ownerUserId != excludingUser }) else { break }
            if let limit {
                if takerSide == .bid, maker.price > limit { break }
                if takerSide == .ask, maker.price < limit { break }
            }
            let fill = min(remaining, maker.size)
            book.resize(id: maker.id, to: maker.size - fill)
            remaining = remaining - fill
            let tradeId = ids.trade()
            // funding: amount > 0 means the taker lent? keep sign = taker side (buy/borrow positive)
            let signed = takerSide == .bid ? fill : -fill
            let trade = PublicTrade(id: tradeId, mts: now, amount: signed, price: maker.price, period: isFunding ? maker.period : nil)
            result.trades.append(trade)
            result.makerFills.append(MakerFill(maker: maker, size: fill, price: maker.price, tradeId: tradeId))
            result.bookChanged = true
            record(trade)
        }
        return result
    }

    /// Records a trade in history, ticker statistics and candles.
    mutating func record(_ trade: PublicTrade) {
        trades.append(trade)
        if trades.count > tradeHistory { trades.removeFirst(trades.count - tradeHistory) }
        lastPrice = trade.price
        volume = volume + trade.amount.magnitude
        if trade.price > high { high = trade.price }
        if trade.price < low { low = trade.price }
        for tf in Timeframe.allCases {
            // mutated in place: copying the list out of the dictionary and back copied every
            // candle of every timeframe on each trade (copy-on-write), a top item in the profile
            Market.recordCandle(&candles[tf, default: []], trade: trade, start: tf.bucketStart(trade.mts), history: candleHistory)
        }
    }

    private static func recordCandle(_ list: inout [Candle], trade: PublicTrade, start: Int64, history: Int) {
        if let index = list.indices.last, list[index].mts == start {
            list[index].close = trade.price
            if trade.price > list[index].high { list[index].high = trade.price }
            if trade.price < list[index].low { list[index].low = trade.price }
            list[index].volume = list[index].volume + trade.amount.magnitude
        } else if list.last.map({ $0.mts < start }) ?? true {
            list.append(Candle(mts: start, open: trade.price, close: trade.price, high: trade.price, low: trade.price, volume: trade.amount.magnitude))
            if list.count > history { list.removeFirst(list.count - history) }
        }
    }

    /// One random market event.
    mutating func step(now: Int64, ids: inout IdAllocator) -> MarketStepResult {
        var result = MarketStepResult()
        let roll = Int.random(in: 0..<100, using: &rng)
        let bidCount = book.rawBids.count
        let askCount = book.rawAsks.count
        if bidCount < targetDepth / 2 { addRandomOrder(side: .bid, ids: &ids); result.bookChanged = true; return result }
        if askCount < targetDepth / 2 { addRandomOrder(side: .ask, ids: &ids); result.bookChanged = true; return result }
        switch roll {
        case 0..<40:
            let side: SimBook.Side = bidCount <= askCount ? .bid : .ask
            addRandomOrder(side: Bool.random(using: &rng) ? side : (side == .bid ? .ask : .bid), ids: &ids)
            result.bookChanged = true
        case 40..<70:
            let side: SimBook.Side = bidCount >= askCount ? .bid : .ask
            if let victim = randomGeneratedOrder(side: side) {
                book.remove(id: victim.id)
                result.bookChanged = true
            }
        case 70..<88:
            let side: SimBook.Side = Bool.random(using: &rng) ? .bid : .ask
            if let victim = randomGeneratedOrder(side: side) {
                book.resize(id: victim.id, to: randomSize())
                result.bookChanged = true
            }
        default:
            let side: SimBook.Side = Bool.random(using: &rng) ? .bid : .ask
            var size = randomSize()
            let best = side == .bid ? book.rawAsks.first : book.rawBids.first
            if let best, Int.random(in: 0..<3, using: &rng) > 0 { size = min(size, best.size) }
            result = executeTaker(takerSide: side, size: size, limit: nil, now: now, ids: &ids)
        }
        return result
    }

    /// A random generated (not user-owned) order on a side, without copying the side.
    mutating func randomGeneratedOrder(side: SimBook.Side) -> SimBook.RawOrder? {
        let count = side == .bid ? book.rawBids.count : book.rawAsks.count
        guard count > 0 else { return nil }
        let start = Int.random(in: 0..<count, using: &rng)
        for offset in 0..<count {
            let i = (start + offset) % count
            let order = side == .bid ? book.rawBids[i] : book.rawAsks[i]
            if order.ownerUserId == nil { return order }
        }
        return nil
    }

    /// Fills `trades` and `candles` with plausible history ending at `now` (random walk).
    private mutating func seedHistory(now: Int64, ids: inout IdAllocator) {
        let count = min(tradeHistory, 60)
        var price = lastPrice.units
        var history: [PublicTrade] = []
        for i in 0..<count {
            let mts = now - Int64(count - i) * 1_000
            let size = randomSize()
            let amount = Bool.random(using: &rng) ? size : -size
            history.append(PublicTrade(id: ids.trade(), mts: mts, amount: amount, price: Fixed(units: price), period: isFunding ? randomPeriod() : nil))
            price += Int64.random(in: -2...2, using: &rng) * priceStep
            if price <= priceStep { price = priceStep }
        }
        trades = history
        for tf in Timeframe.allCases {
            var list: [Candle] = []
            var start = tf.bucketStart(now)
            var close = lastPrice.units
            for _ in 0..<candleHistory {
                let open = max(priceStep, close + Int64.random(in: -20...20, using: &rng) * priceStep)
                let high = max(open, close) + Int64.random(in: 0...10, using: &rng) * priceStep
                let low = max(priceStep, min(open, close) - Int64.random(in: 0...10, using: &rng) * priceStep)
                list.append(Candle(mts: start, open: Fixed(units: open), close: Fixed(units: close), high: Fixed(units: high), low: Fixed(units: low), volume: randomSize() + randomSize()))
                close = open
                start = tf.previousBucket(start)
            }
            candles[tf] = list.reversed()
        }
    }

    // MARK: rendering

    /// The ticker fields (reference §3.2 layouts).
    func writeTicker(to w: inout WireWriter) {
        let p0 = book.aggregations[0]
        let bidLevel = p0.bidKeys.first.flatMap { key in p0.bidLevels.first.map { (key, $0) } }
        let askLevel = p0.askKeys.first.flatMap { key in p0.askLevels.first.map { (key, $0) } }
        let change = lastPrice - dayOpen
        let relative = dayOpen.isZero ? Fixed.zero
            : Fixed(units: Int64(clamping: Int128(change.units) * Int128(Fixed.scale) / Int128(dayOpen.units) / 1_000_000 * 1_000_000))
        w.beginArray()
        if isFunding {
            w.decimal(lastPrice) // FRR
            w.decimal(bidLevel?.0.price ?? .zero)
            let node = fundingTicker == .node
            if node { w.decimal(bidLevel?.1.size ?? .zero) }
            w.int(bidLevel?.0.period ?? 2)
            if !node { w.decimal(bidLevel?.1.size ?? .zero) }
            w.decimal(askLevel?.0.price ?? .zero)
            if node { w.decimal(askLevel?.1.size ?? .zero) }
            w.int(askLevel?.0.period ?? 2)
            if !node { w.decimal(askLevel?.1.size ?? .zero) }
            w.decimal(change)
            w.decimal(relative)
            w.decimal(lastPrice)
            w.decimal(volume)
            w.decimal(high)
            w.decimal(low)
            w.null(); w.null()
            w.decimal(book.rawAsks.reduce(Fixed.zero) { $0 + $1.size })
        } else {
            w.decimal(bidLevel?.0.price ?? .zero)
            w.decimal(bidLevel?.1.size ?? .zero)
            w.decimal(askLevel?.0.price ?? .zero)
            w.decimal(askLevel?.1.size ?? .zero)
            w.decimal(change)
            w.decimal(relative)
            w.decimal(lastPrice)
            w.decimal(volume)
            w.decimal(high)
            w.decimal(low)
        }
        w.endArray()
    }
}

extension PublicTrade {
    /// `[ID,MTS,AMOUNT,PRICE]` or funding `[ID,MTS,AMOUNT,RATE,PERIOD]`.
    func write(to w: inout WireWriter) {
        w.beginArray()
        w.int(id); w.int(mts); w.decimal(amount); w.decimal(price)
        if let period { w.int(period) }
        w.endArray()
    }
}

extension Candle {
    /// `[MTS,OPEN,CLOSE,HIGH,LOW,VOLUME]`.
    func write(to w: inout WireWriter) {
        w.beginArray()
        w.int(mts); w.decimal(open); w.decimal(close); w.decimal(high); w.decimal(low); w.decimal(volume)
        w.endArray()
    }
}
