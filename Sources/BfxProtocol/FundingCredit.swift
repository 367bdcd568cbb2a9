/// A funding credit or loan row (channel 0 `fcs/fcn/fcu/fcc`, `fls/fln/flu/flc`). Loans have no `positionPair`.
public struct FundingCredit: Sendable, Hashable {
    /// Id. (index 0)
    public var id: Int64
    /// Symbol. (index 1)
    public var symbol: String
    /// 1 lender, −1 borrower, 0 both. (index 2)
    public var side: Int64?
    /// Created, ms. (index 3)
    public var mtsCreate: Int64?
    /// Updated, ms. (index 4)
    public var mtsUpdate: Int64?
    /// Amount. (index 5)
    public var amount: WireNumber?
    /// Flags. (index 6)
    public var flags: Int64?
    /// Status. (index 7)
    public var status: String?
    /// FIXED or VAR. (index 8)
    public var rateType: String?
    /// Rate. (index 11)
    public var rate: WireNumber?
    /// Period, days. (index 12)
    public var period: Int64?
    /// Opened, ms. (index 13)
    public var mtsOpening: Int64?
    /// Last payout, ms. (index 14)
    public var mtsLastPayout: Int64?
    /// Notify flag. (index 15)
    public var notify: Int64?
    /// Hidden flag. (index 16)
    public var hidden: Int64?
    /// Renew flag. (index 18)
    public var renew: Int64?
    /// Real rate. (index 19)
    public var rateReal: WireNumber?
    /// No-close flag. (index 20)
    public var noClose: Int64?
    /// Position pair (credits only). (index 21)
    public var positionPair: String?

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        id: Int64,
        symbol: String,
        side: Int64? = nil,
        mtsCreate: Int64? = nil,
        mtsUpdate: Int64? = nil,
        amount: WireNumber? = nil,
        flags: Int64? = nil,
        status: String? = nil,
        rateType: String? = nil,
        rate: WireNumber? = nil,
        period: Int64? = nil,
        mtsOpening: Int64? = nil,
        mtsLastPayout: Int64? = nil,
        notify: Int64? = nil,
        hidden: Int64? = nil,
        renew: Int64? = nil,
        rateReal: WireNumber? = nil,
        noClose: Int64? = nil,
        positionPair: String? = nil
    ) {
        self.id = id
        self.symbol = symbol
        self.side = side
        self.mtsCreate = mtsCreate
        self.mtsUpdate = mtsUpdate
        self.amount = amount
        self.flags = flags
        self.status = status
        self.rateType = rateType
        self.rate = rate
        self.period = period
        self.mtsOpening = mtsOpening
        self.mtsLastPayout = mtsLastPayout
        self.notify = notify
        self.hidden = hidden
        self.renew = renew
        self.rateReal = rateReal
        self.noClose = noClose
        self.positionPair = positionPair
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "FundingCredit")
        id = try r.int(0, "id")
        symbol = try r.string(1, "symbol")
        side = try r.optInt(2, "side")
        mtsCreate = try r.optInt(3, "mtsCreate")
        mtsUpdate = try r.optInt(4, "mtsUpdate")
        amount = try r.optNumber(5, "amount")
        flags = try r.optInt(6, "flags")
        status = try r.optString(7, "status")
        rateType = try r.optString(8, "rateType")
        rate = try r.optNumber(11, "rate")
        period = try r.optInt(12, "period")
        mtsOpening = try r.optInt(13, "mtsOpening")
        mtsLastPayout = try r.optInt(14, "mtsLastPayout")
        notify = try r.optInt(15, "notify")
        hidden = try r.optInt(16, "hidden")
        renew = try r.optInt(18, "renew")
        rateReal = try r.optNumber(19, "rateReal")
        noClose = try r.optInt(20, "noClose")
        positionPair = try r.optString(21, "positionPair")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 22)
        w.set(0, id)
        w.set(1, symbol)
        w.set(2, side)
        w.set(3, mtsCreate)
        w.set(4, mtsUpdate)
        w.set(5, amount)
        w.set(6, flags)
        w.set(7, status)
        w.set(8, rateType)
        w.set(11, rate)
        w.set(12, period)
        w.set(13, mtsOpening)
        w.set(14, mtsLastPayout)
        w.set(15, notify)
        w.set(16, hidden)
        w.set(18, renew)
        w.set(19, rateReal)
        w.set(20, noClose)
        w.set(21, positionPair)
        return w.value
    }
}

/// A funding loan row (channel 0 `fls/fln/flu/flc`): same layout as ``FundingCredit`` without
/// `positionPair`.
public typealias FundingLoan = FundingCredit
