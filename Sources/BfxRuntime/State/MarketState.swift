import BfxClient
import BfxProtocol
import Foundation

/// Latest market data per subscription, fed from subscription events. Owned by the runtime actor.
struct MarketState {
    struct BookEntry {
        var book: OrderBook
        var symbol: String
        var prec: String
        var updates = 0
        var verified = 0
        var updatedAt = Date()
    }

    var tickers: [String: TickerView] = [:]
    var trades: [String: [TradeView]] = [:]
    var candles: [String: [CandleView]] = [:]
    var books: [String: BookEntry] = [:]
    var statuses: [String: String] = [:]
    let tradeCapacity = 100
    let candleCapacity = 50

    mutating func apply(_ event: SubscriptionEvent, spec: ChannelSpec) {
        switch event {
        case .ticker(let t):
            tickers[spec.symbolOrKey] = TickerView(symbol: spec.symbolOrKey, bid: t.bid.double, ask: t.ask.double, last: t.lastPrice.double,
                                              volume: t.volume.double, high: t.high.double, low: t.low.double,
                                              dailyChangeRelative: t.dailyChangeRelative.double, updatedAt: Date())
        case .fundingTicker(let t):
            tickers[spec.symbolOrKey] = TickerView(symbol: spec.symbolOrKey, bid: t.bid.double, ask: t.ask.double, last: t.lastPrice.double,
                                              volume: t.volume.double, high: 0, low: 0,
                                              dailyChangeRelative: t.dailyChangeRelative.double, updatedAt: Date())
        case .tradeSnapshot(let list):
            for trade in list { append(trade, symbol: spec.symbolOrKey) }
        case .trade(let trade):
            append(trade, symbol: spec.symbolOrKey)
        case .book(let event):
            let key = spec.description
            var entry = books[key] ?? BookEntry(book: event.book, symbol: spec.symbolOrKey, prec: Self.prec(of: spec))
            entry.book = event.book
            entry.updates += event.updates
            entry.verified = event.verifiedChecksums
            entry.updatedAt = Date()
            books[key] = entry
        case .candleSnapshot(let list):
            candles[spec.symbolOrKey] = list.prefix(candleCapacity).map { Self.view($0, key: spec.symbolOrKey) }
        case .candle(let candle):
            var list = candles[spec.symbolOrKey] ?? []
            let view = Self.view(candle, key: spec.symbolOrKey)
            if let first = list.first, first.mts == candle.mts { list[0] = view } else { list.insert(view, at: 0) }
            if list.count > candleCapacity { list.removeLast(list.count - candleCapacity) }
            candles[spec.symbolOrKey] = list
        case .derivStatus(let status):
            statuses[spec.symbolOrKey] = "\(status)"
        case .liquidations(let list):
            statuses[spec.symbolOrKey] = "\(list.count) liquidations"
        case .subscribed, .stale, .integrity, .overflow, .failed:
            break
        }
    }

    private mutating func append(_ trade: PublicTrade, symbol: String) {
        let view: TradeView
        switch trade {
        case .trading(let t):
            view = TradeView(symbol: symbol, id: t.id, mts: t.mts, side: t.amount.isNegative ? "sell" : "buy", amount: abs(t.amount.double), price: t.price.double)
        case .funding(let t):
            view = TradeView(symbol: symbol, id: t.id, mts: t.mts, side: t.amount.isNegative ? "sell" : "buy", amount: abs(t.amount.double), price: t.rate.double)
        }
        var list = trades[symbol] ?? []
        list.insert(view, at: 0)
        if list.count > tradeCapacity { list.removeLast(list.count - tradeCapacity) }
        trades[symbol] = list
    }

    static func view(_ c: Candle, key: String) -> CandleView {
        CandleView(key: key, mts: c.mts, open: c.open.double, close: c.close.double, high: c.high.double, low: c.low.double, volume: c.volume.double)
    }

    static func prec(of spec: ChannelSpec) -> String {
        switch spec {
        case .book(_, let p, _, _): return p.rawValue
        case .rawBook: return "R0"
        default: return ""
        }
    }

    func bookView(_ entry: BookEntry, depth: Int) -> BookView {
        let top = entry.book.top(depth)
        func level(_ l: BookLevel) -> BookView.Level {
            let amount = l.amount.plainText
            return BookView.Level(price: l.price.plainText, count: l.orderId ?? l.count,
                                  amount: amount.hasPrefix("-") ? String(amount.dropFirst()) : amount)
        }
        return BookView(symbol: entry.symbol, prec: entry.prec, bids: top.bids.map(level), asks: top.asks.map(level),
                        checksumsVerified: entry.verified, updates: entry.updates, updatedAt: entry.updatedAt)
    }
}
