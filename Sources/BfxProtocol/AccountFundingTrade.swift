/// An own funding trade (channel 0 `fte/ftu`).
public struct AccountFundingTrade: Sendable, Hashable {
    /// Trade id. (index 0)
    public var id: Int64
    /// Symbol. (index 1)
    public var symbol: String
    /// Time, ms. (index 2)
    public var mtsCreate: Int64
    /// Offer id. (index 3)
    public var offerId: Int64
    /// Amount. (index 4)
    public var amount: WireNumber
    /// Rate. (index 5)
    public var rate: WireNumber
    /// Period, days. (index 6)
    public var period: Int64
    /// 1 maker, null otherwise. (index 7)
    public var maker: Int64?

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        id: Int64,
        symbol: String,
        mtsCreate: Int64,
        offerId: Int64,
        amount: WireNumber,
        rate: WireNumber,
        period: Int64,
        maker: Int64? = nil
    ) {
        self.id = id
        self.symbol = symbol
        self.mtsCreate = mtsCreate
        self.offerId = offerId
        self.amount = amount
        self.rate = rate
        self.period = period
        self.maker = maker
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "AccountFundingTrade")
        id = try r.int(0, "id")
        symbol = try r.string(1, "symbol")
        mtsCreate = try r.int(2, "mtsCreate")
        offerId = try r.int(3, "offerId")
        amount = try r.number(4, "amount")
        rate = try r.number(5, "rate")
        period = try r.int(6, "period")
        maker = try r.optInt(7, "maker")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 8)
        w.set(0, id)
        w.set(1, symbol)
        w.set(2, mtsCreate)
        w.set(3, offerId)
        w.set(4, amount)
        w.set(5, rate)
        w.set(6, period)
        w.set(7, maker)
        return w.value
    }
}
