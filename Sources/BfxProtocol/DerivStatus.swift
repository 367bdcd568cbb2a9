/// Derivative status (`status` channel, key `deriv:SYMBOL`).
public struct DerivStatus: Sendable, Hashable {
    /// Timestamp, ms. (index 0)
    public var mts: Int64
    /// Derivative mid price. (index 2)
    public var derivPrice: WireNumber?
    /// Spot price. (index 3)
    public var spotPrice: WireNumber?
    /// Insurance fund balance. (index 5)
    public var insuranceFundBalance: WireNumber?
    /// Next funding event, ms. (index 7)
    public var nextFundingEventMts: Int64?
    /// Accrued funding. (index 8)
    public var nextFundingAccrued: WireNumber?
    /// Funding step. (index 9)
    public var nextFundingStep: Int64?
    /// Current funding. (index 11)
    public var currentFunding: WireNumber?
    /// Mark price. (index 14)
    public var markPrice: WireNumber?
    /// Open interest. (index 17)
    public var openInterest: WireNumber?
    /// Funding clamp min. (index 21)
    public var clampMin: WireNumber?
    /// Funding clamp max. (index 22)
    public var clampMax: WireNumber?

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        mts: Int64,
        derivPrice: WireNumber? = nil,
        spotPrice: WireNumber? = nil,
        insuranceFundBalance: WireNumber? = nil,
        nextFundingEventMts: Int64? = nil,
        nextFundingAccrued: WireNumber? = nil,
        nextFundingStep: Int64? = nil,
        currentFunding: WireNumber? = nil,
        markPrice: WireNumber? = nil,
        openInterest: WireNumber? = nil,
        clampMin: WireNumber? = nil,
        clampMax: WireNumber? = nil
    ) {
        self.mts = mts
        self.derivPrice = derivPrice
        self.spotPrice = spotPrice
        self.insuranceFundBalance = insuranceFundBalance
        self.nextFundingEventMts = nextFundingEventMts
        self.nextFundingAccrued = nextFundingAccrued
        self.nextFundingStep = nextFundingStep
        self.currentFunding = currentFunding
        self.markPrice = markPrice
        self.openInterest = openInterest
        self.clampMin = clampMin
        self.clampMax = clampMax
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "DerivStatus")
        mts = try r.int(0, "mts")
        derivPrice = try r.optNumber(2, "derivPrice")
        spotPrice = try r.optNumber(3, "spotPrice")
        insuranceFundBalance = try r.optNumber(5, "insuranceFundBalance")
        nextFundingEventMts = try r.optInt(7, "nextFundingEventMts")
        nextFundingAccrued = try r.optNumber(8, "nextFundingAccrued")
        nextFundingStep = try r.optInt(9, "nextFundingStep")
        currentFunding = try r.optNumber(11, "currentFunding")
        markPrice = try r.optNumber(14, "markPrice")
        openInterest = try r.optNumber(17, "openInterest")
        clampMin = try r.optNumber(21, "clampMin")
        clampMax = try r.optNumber(22, "clampMax")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 23)
        w.set(0, mts)
        w.set(2, derivPrice)
        w.set(3, spotPrice)
        w.set(5, insuranceFundBalance)
        w.set(7, nextFundingEventMts)
        w.set(8, nextFundingAccrued)
        w.set(9, nextFundingStep)
        w.set(11, currentFunding)
        w.set(14, markPrice)
        w.set(17, openInterest)
        w.set(21, clampMin)
        w.set(22, clampMax)
        return w.value
    }
}
