/// A trading-pair ticker (`ticker` channel, trading layout).
public struct Ticker: Sendable, Hashable {
    /// Best bid price. (index 0)
    public var bid: WireNumber
    /// Sum of the 25 highest bid sizes. (index 1)
    public var bidSize: WireNumber
    /// Best ask price. (index 2)
    public var ask: WireNumber
    /// Sum of the 25 lowest ask sizes. (index 3)
    public var askSize: WireNumber
    /// Price change since 24 h ago. (index 4)
    public var dailyChange: WireNumber
    /// Relative daily change (0.05 = 5 %). (index 5)
    public var dailyChangeRelative: WireNumber
    /// Last trade price. (index 6)
    public var lastPrice: WireNumber
    /// 24 h volume. (index 7)
    public var volume: WireNumber
    /// 24 h high. (index 8)
    public var high: WireNumber
    /// 24 h low. (index 9)
    public var low: WireNumber

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        bid: WireNumber,
        bidSize: WireNumber,
        ask: WireNumber,
        askSize: WireNumber,
        dailyChange: WireNumber,
        dailyChangeRelative: WireNumber,
        lastPrice: WireNumber,
        volume: WireNumber,
        high: WireNumber,
        low: WireNumber
    ) {
        self.bid = bid
        self.bidSize = bidSize
        self.ask = ask
        self.askSize = askSize
        self.dailyChange = dailyChange
        self.dailyChangeRelative = dailyChangeRelative
        self.lastPrice = lastPrice
        self.volume = volume
        self.high = high
        self.low = low
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "Ticker")
        bid = try r.number(0, "bid")
        bidSize = try r.number(1, "bidSize")
        ask = try r.number(2, "ask")
        askSize = try r.number(3, "askSize")
        dailyChange = try r.number(4, "dailyChange")
        dailyChangeRelative = try r.number(5, "dailyChangeRelative")
        lastPrice = try r.number(6, "lastPrice")
        volume = try r.number(7, "volume")
        high = try r.number(8, "high")
        low = try r.number(9, "low")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 10)
        w.set(0, bid)
        w.set(1, bidSize)
        w.set(2, ask)
        w.set(3, askSize)
        w.set(4, dailyChange)
        w.set(5, dailyChangeRelative)
        w.set(6, lastPrice)
        w.set(7, volume)
        w.set(8, high)
        w.set(9, low)
        return w.value
    }
}
