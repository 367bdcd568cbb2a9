import Foundation

/// The latest ticker of a symbol.
public struct TickerView: Sendable, Hashable, Codable {
    /// Symbol.
    public var symbol: String
    /// Best bid.
    public var bid: Double
    /// Best ask.
    public var ask: Double
    /// Last trade price.
    public var last: Double
    /// 24 h volume.
    public var volume: Double
    /// 24 h high.
    public var high: Double
    /// 24 h low.
    public var low: Double
    /// 24 h change (relative, 0.01 = 1 %).
    public var dailyChangeRelative: Double
    /// When it arrived.
    public var updatedAt: Date
}

/// One public trade.
public struct TradeView: Sendable, Hashable, Codable {
    /// Symbol.
    public var symbol: String
    /// Trade id.
    public var id: Int64
    /// Milliseconds timestamp.
    public var mts: Int64
    /// Amount (> 0 taker bought).
    public var amount: Double
    /// Price (funding: rate).
    public var price: Double
}

/// One candle.
public struct CandleView: Sendable, Hashable, Codable {
    /// Candle key.
    public var key: String
    /// Milliseconds timestamp.
    public var mts: Int64
    /// Open.
    public var open: Double
    /// Close.
    public var close: Double
    /// High.
    public var high: Double
    /// Low.
    public var low: Double
    /// Volume.
    public var volume: Double
}
