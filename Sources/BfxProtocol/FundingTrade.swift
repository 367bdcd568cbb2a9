/// A public funding trade (`trades` channel, funding symbol).
public struct FundingTrade: Sendable, Hashable {
    /// Trade id. (index 0)
    public var id: Int64
    /// Execution time, ms since epoch. (index 1)
    public var mts: Int64
    /// Amount. (index 2)
    public var amount: WireNumber
    /// Rate. (index 3)
    public var rate: WireNumber
    /// Period in days. (index 4)
    public var period: Int64

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        id: Int64,
        mts: Int64,
        amount: WireNumber,
        rate: WireNumber,
        period: Int64
    ) {
        self.id = id
        self.mts = mts
        self.amount = amount
        self.rate = rate
        self.period = period
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "FundingTrade")
        id = try r.int(0, "id")
        mts = try r.int(1, "mts")
        amount = try r.number(2, "amount")
        rate = try r.number(3, "rate")
        period = try r.int(4, "period")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 5)
        w.set(0, id)
        w.set(1, mts)
        w.set(2, amount)
        w.set(3, rate)
        w.set(4, period)
        return w.value
    }
}
