import BfxProtocol

/// Latest ticker of one symbol.
public struct ConsoleTicker: ConsoleRecord, Sendable, Equatable {
    /// Symbol, e.g. `tBTCUSD`.
    public var symbol: String
    /// Best bid.
    public var bid: String
    /// Best bid size.
    public var bidSize: String?
    /// Best ask.
    public var ask: String
    /// Best ask size.
    public var askSize: String?
    /// Absolute price change over the last 24 h in quote currency, when the ticker carries it.
    public var dailyChange: String?
    /// Price change over the last 24 h as a fraction (0.01 = +1 %).
    public var dailyChangeRelative: String
    /// Last price.
    public var last: String
    /// Daily volume.
    public var volume: String
    /// Daily high.
    public var high: String
    /// Daily low.
    public var low: String

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(symbol: String, bid: String, bidSize: String? = nil, ask: String, askSize: String? = nil, dailyChange: String? = nil, dailyChangeRelative: String, last: String, volume: String, high: String, low: String) {
        self.symbol = symbol
        self.bid = bid
        self.bidSize = bidSize
        self.ask = ask
        self.askSize = askSize
        self.dailyChange = dailyChange
        self.dailyChangeRelative = dailyChangeRelative
        self.last = last
        self.volume = volume
        self.high = high
        self.low = low
    }

    /// Column names in display order.
    public static let columns: [String] = ["symbol", "bid", "bid_size", "ask", "ask_size", "daily_change", "daily_change_rel", "last", "volume", "high", "low"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("symbol", .string(symbol)),
            JSONObject.Member("bid", .string(bid)),
            JSONObject.Member("bid_size", bidSize.map { .string($0) } ?? .null),
            JSONObject.Member("ask", .string(ask)),
            JSONObject.Member("ask_size", askSize.map { .string($0) } ?? .null),
            JSONObject.Member("daily_change", dailyChange.map { .string($0) } ?? .null),
            JSONObject.Member("daily_change_rel", .string(dailyChangeRelative)),
            JSONObject.Member("last", .string(last)),
            JSONObject.Member("volume", .string(volume)),
            JSONObject.Member("high", .string(high)),
            JSONObject.Member("low", .string(low)),
        ]
    }
}
