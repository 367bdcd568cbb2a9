/// A liquidation (`status` channel, key `liq:global`); row starts with "pos".
public struct Liquidation: Sendable, Hashable {
    /// Position id. (index 1)
    public var positionId: Int64
    /// Time, ms. (index 2)
    public var mts: Int64
    /// Symbol. (index 4)
    public var symbol: String
    /// Amount. (index 5)
    public var amount: WireNumber
    /// Base price. (index 6)
    public var basePrice: WireNumber?
    /// 1 if matched. (index 8)
    public var isMatch: Int64?
    /// 1 if sold on market. (index 9)
    public var isMarketSold: Int64?
    /// Liquidation price. (index 11)
    public var liquidationPrice: WireNumber?

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        positionId: Int64,
        mts: Int64,
        symbol: String,
        amount: WireNumber,
        basePrice: WireNumber? = nil,
        isMatch: Int64? = nil,
        isMarketSold: Int64? = nil,
        liquidationPrice: WireNumber? = nil
    ) {
        self.positionId = positionId
        self.mts = mts
        self.symbol = symbol
        self.amount = amount
        self.basePrice = basePrice
        self.isMatch = isMatch
        self.isMarketSold = isMarketSold
        self.liquidationPrice = liquidationPrice
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "Liquidation")
        positionId = try r.int(1, "positionId")
        mts = try r.int(2, "mts")
        symbol = try r.string(4, "symbol")
        amount = try r.number(5, "amount")
        basePrice = try r.optNumber(6, "basePrice")
        isMatch = try r.optInt(8, "isMatch")
        isMarketSold = try r.optInt(9, "isMarketSold")
        liquidationPrice = try r.optNumber(11, "liquidationPrice")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 12)
        w.set(0, "pos" as String?)
        w.set(1, positionId)
        w.set(2, mts)
        w.set(4, symbol)
        w.set(5, amount)
        w.set(6, basePrice)
        w.set(8, isMatch)
        w.set(9, isMarketSold)
        w.set(11, liquidationPrice)
        return w.value
    }
}
