/// A funding-currency ticker (`ticker` channel, funding layout per D:ticker/P).
public struct FundingTicker: Sendable, Hashable {
    /// Flash Return Rate. (index 0)
    public var frr: WireNumber
    /// Best bid rate. (index 1)
    public var bid: WireNumber
    /// Bid period in days. (index 2)
    public var bidPeriod: Int64
    /// Sum of bid sizes. (index 3)
    public var bidSize: WireNumber
    /// Best ask rate. (index 4)
    public var ask: WireNumber
    /// Ask period in days. (index 5)
    public var askPeriod: Int64
    /// Sum of ask sizes. (index 6)
    public var askSize: WireNumber
    /// Daily change. (index 7)
    public var dailyChange: WireNumber
    /// Relative daily change. (index 8)
    public var dailyChangeRelative: WireNumber
    /// Last rate. (index 9)
    public var lastPrice: WireNumber
    /// 24 h volume. (index 10)
    public var volume: WireNumber
    /// 24 h high. (index 11)
    public var high: WireNumber
    /// 24 h low. (index 12)
    public var low: WireNumber
    /// FRR amount available (appended field; nil if absent). (index 15)
    public var frrAmountAvailable: WireNumber?

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        frr: WireNumber,
        bid: WireNumber,
        bidPeriod: Int64,
        bidSize: WireNumber,
        ask: WireNumber,
        askPeriod: Int64,
        askSize: WireNumber,
        dailyChange: WireNumber,
        dailyChangeRelative: WireNumber,
        lastPrice: WireNumber,
        volume: WireNumber,
        high: WireNumber,
        low: WireNumber,
        frrAmountAvailable: WireNumber? = nil
    ) {
        self.frr = frr
        self.bid = bid
        self.bidPeriod = bidPeriod
        self.bidSize = bidSize
        self.ask = ask
        self.askPeriod = askPeriod
        self.askSize = askSize
        self.dailyChange = dailyChange
        self.dailyChangeRelative = dailyChangeRelative
        self.lastPrice = lastPrice
        self.volume = volume
        self.high = high
        self.low = low
        self.frrAmountAvailable = frrAmountAvailable
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "FundingTicker")
        frr = try r.number(0, "frr")
        bid = try r.number(1, "bid")
        (bidPeriod, bidSize) = try Self.periodAndSize(r, at: 2, "bidPeriod")
        ask = try r.number(4, "ask")
        (askPeriod, askSize) = try Self.periodAndSize(r, at: 5, "askPeriod")
        dailyChange = try r.number(7, "dailyChange")
        dailyChangeRelative = try r.number(8, "dailyChangeRelative")
        lastPrice = try r.number(9, "lastPrice")
        volume = try r.number(10, "volume")
        high = try r.number(11, "high")
        low = try r.number(12, "low")
        frrAmountAvailable = try r.optNumber(15, "frrAmountAvailable")
    }

    /// Funding periods are whole days, 2 to 120 (1 accepted).
    static let periods: ClosedRange<Int64> = 1...120

    /// Whether a number can be a funding period (a whole number of 1…120 days): how the two
    /// field orders are told apart, here and in `bfxrun doctor`.
    public static func isPeriod(_ value: WireNumber) -> Bool {
        value.int64.map(periods.contains) ?? false
    }

    /// PERIOD and SIZE at `index` and `index + 1`: the reference has a CONFLICT (§3.2), docs and
    /// the Python library send `…,PERIOD,SIZE`, the Node models read `…,SIZE,PERIOD`. The docs
    /// order is read unless its PERIOD slot holds no whole number of 1…120 days and the other
    /// slot does (then the Node order). A size that is itself a whole number of 1…120 cannot be
    /// told apart and is read in the docs order.
    static func periodAndSize(_ r: RowReader, at index: Int, _ name: StaticString) throws(FrameDecodingError) -> (Int64, WireNumber) {
        let first = try r.number(index, name)
        let second = try r.number(index + 1, "size")
        if isPeriod(first), let period = first.int64 { return (period, second) }
        if isPeriod(second), let period = second.int64 { return (period, first) }
        return (try r.int(index, name), second)
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 16)
        w.set(0, frr)
        w.set(1, bid)
        w.set(2, bidPeriod)
        w.set(3, bidSize)
        w.set(4, ask)
        w.set(5, askPeriod)
        w.set(6, askSize)
        w.set(7, dailyChange)
        w.set(8, dailyChangeRelative)
        w.set(9, lastPrice)
        w.set(10, volume)
        w.set(11, high)
        w.set(12, low)
        w.set(15, frrAmountAvailable)
        return w.value
    }
}
