import Foundation

/// The latest ticker of a symbol.
public struct TickerView: Sendable, Hashable, Codable {
    /// Trading or funding symbol the ticker belongs to, e.g. `tBTCUSD`, `fUSD`.
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
    /// Symbol the trade happened on, e.g. `tBTCUSD` (funding: `fUSD`).
    public var symbol: String
    /// Trade id.
    public var id: Int64
    /// Milliseconds timestamp.
    public var mts: Int64
    /// `buy` (the taker bought) or `sell`.
    public var side: String
    /// Amount, positive (user-facing convention: positive amount plus explicit side).
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
    /// First trade price of the interval.
    public var open: Double
    /// Last trade price of the interval so far.
    public var close: Double
    /// Highest trade price of the interval.
    public var high: Double
    /// Lowest trade price of the interval.
    public var low: Double
    /// Traded base-currency amount in the interval.
    public var volume: Double
}
