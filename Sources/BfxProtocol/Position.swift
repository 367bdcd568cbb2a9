/// A position row (channel 0 `ps/pn/pu/pc`).
public struct Position: Sendable, Hashable {
    /// Symbol. (index 0)
    public var symbol: String
    /// ACTIVE or CLOSED. (index 1)
    public var status: String
    /// Amount. (index 2)
    public var amount: WireNumber
    /// Base price. (index 3)
    public var basePrice: WireNumber?
    /// Margin funding. (index 4)
    public var marginFunding: WireNumber?
    /// 0 daily, 1 term. (index 5)
    public var marginFundingType: Int64?
    /// Profit/loss (nil until calc). (index 6)
    public var pl: WireNumber?
    /// P/L percent. (index 7)
    public var plPercent: WireNumber?
    /// Liquidation price. (index 8)
    public var priceLiquidation: WireNumber?
    /// Leverage. (index 9)
    public var leverage: WireNumber?
    /// Position id. (index 11)
    public var positionId: Int64?
    /// Created, ms. (index 12)
    public var mtsCreate: Int64?
    /// Updated, ms. (index 13)
    public var mtsUpdate: Int64?
    /// 0 margin, 1 derivatives. (index 15)
    public var type: Int64?
    /// Collateral. (index 17)
    public var collateral: WireNumber?
    /// Minimum collateral. (index 18)
    public var collateralMin: WireNumber?
    /// Meta object. (index 19)
    public var meta: JSONValue?

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        symbol: String,
        status: String,
        amount: WireNumber,
        basePrice: WireNumber? = nil,
        marginFunding: WireNumber? = nil,
        marginFundingType: Int64? = nil,
        pl: WireNumber? = nil,
        plPercent: WireNumber? = nil,
        priceLiquidation: WireNumber? = nil,
        leverage: WireNumber? = nil,
        positionId: Int64? = nil,
        mtsCreate: Int64? = nil,
        mtsUpdate: Int64? = nil,
        type: Int64? = nil,
        collateral: WireNumber? = nil,
        collateralMin: WireNumber? = nil,
        meta: JSONValue? = nil
    ) {
        self.symbol = symbol
        self.status = status
        self.amount = amount
        self.basePrice = basePrice
        self.marginFunding = marginFunding
        self.marginFundingType = marginFundingType
        self.pl = pl
        self.plPercent = plPercent
        self.priceLiquidation = priceLiquidation
        self.leverage = leverage
        self.positionId = positionId
        self.mtsCreate = mtsCreate
        self.mtsUpdate = mtsUpdate
        self.type = type
        self.collateral = collateral
        self.collateralMin = collateralMin
        self.meta = meta
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "Position")
        symbol = try r.string(0, "symbol")
        status = try r.string(1, "status")
        amount = try r.number(2, "amount")
        basePrice = try r.optNumber(3, "basePrice")
        marginFunding = try r.optNumber(4, "marginFunding")
        marginFundingType = try r.optInt(5, "marginFundingType")
        pl = try r.optNumber(6, "pl")
        plPercent = try r.optNumber(7, "plPercent")
        priceLiquidation = try r.optNumber(8, "priceLiquidation")
        leverage = try r.optNumber(9, "leverage")
        positionId = try r.optInt(11, "positionId")
        mtsCreate = try r.optInt(12, "mtsCreate")
        mtsUpdate = try r.optInt(13, "mtsUpdate")
        type = try r.optInt(15, "type")
        collateral = try r.optNumber(17, "collateral")
        collateralMin = try r.optNumber(18, "collateralMin")
        meta = try r.optJSON(19, "meta")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 20)
        w.set(0, symbol)
        w.set(1, status)
        w.set(2, amount)
        w.set(3, basePrice)
        w.set(4, marginFunding)
        w.set(5, marginFundingType)
        w.set(6, pl)
        w.set(7, plPercent)
        w.set(8, priceLiquidation)
        w.set(9, leverage)
        w.set(11, positionId)
        w.set(12, mtsCreate)
        w.set(13, mtsUpdate)
        w.set(15, type)
        w.set(17, collateral)
        w.set(18, collateralMin)
        w.set(19, meta)
        return w.value
    }
}
