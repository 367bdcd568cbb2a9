/// A funding offer row (channel 0 `fos/fon/fou/foc`, `fon-req`/`foc-req`).
public struct FundingOffer: Sendable, Hashable {
    /// Offer id. (index 0)
    public var id: Int64
    /// Symbol, e.g. fUSD. (index 1)
    public var symbol: String
    /// Created, ms. (index 2)
    public var mtsCreate: Int64?
    /// Updated, ms. (index 3)
    public var mtsUpdate: Int64?
    /// Amount. (index 4)
    public var amount: WireNumber?
    /// Original amount. (index 5)
    public var amountOrig: WireNumber?
    /// LIMIT, FRRDELTAVAR … (index 6)
    public var offerType: String?
    /// Flags. (index 9)
    public var flags: Int64?
    /// Status. (index 10)
    public var status: String?
    /// Rate. (index 14)
    public var rate: WireNumber?
    /// Period, days. (index 15)
    public var period: Int64?
    /// Notify flag. (index 16)
    public var notify: Int64?
    /// Hidden flag. (index 17)
    public var hidden: Int64?
    /// Renew flag. (index 19)
    public var renew: Int64?
    /// Real rate. (index 20)
    public var rateReal: WireNumber?

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        id: Int64,
        symbol: String,
        mtsCreate: Int64? = nil,
        mtsUpdate: Int64? = nil,
        amount: WireNumber? = nil,
        amountOrig: WireNumber? = nil,
        offerType: String? = nil,
        flags: Int64? = nil,
        status: String? = nil,
        rate: WireNumber? = nil,
        period: Int64? = nil,
        notify: Int64? = nil,
        hidden: Int64? = nil,
        renew: Int64? = nil,
        rateReal: WireNumber? = nil
    ) {
        self.id = id
        self.symbol = symbol
        self.mtsCreate = mtsCreate
        self.mtsUpdate = mtsUpdate
        self.amount = amount
        self.amountOrig = amountOrig
        self.offerType = offerType
        self.flags = flags
        self.status = status
        self.rate = rate
        self.period = period
        self.notify = notify
        self.hidden = hidden
        self.renew = renew
        self.rateReal = rateReal
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "FundingOffer")
        id = try r.int(0, "id")
        symbol = try r.string(1, "symbol")
        mtsCreate = try r.optInt(2, "mtsCreate")
        mtsUpdate = try r.optInt(3, "mtsUpdate")
        amount = try r.optNumber(4, "amount")
        amountOrig = try r.optNumber(5, "amountOrig")
        offerType = try r.optString(6, "offerType")
        flags = try r.optInt(9, "flags")
        status = try r.optString(10, "status")
        rate = try r.optNumber(14, "rate")
        period = try r.optInt(15, "period")
        notify = try r.optInt(16, "notify")
        hidden = try r.optInt(17, "hidden")
        renew = try r.optInt(19, "renew")
        rateReal = try r.optNumber(20, "rateReal")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 21)
        w.set(0, id)
        w.set(1, symbol)
        w.set(2, mtsCreate)
        w.set(3, mtsUpdate)
        w.set(4, amount)
        w.set(5, amountOrig)
        w.set(6, offerType)
        w.set(9, flags)
        w.set(10, status)
        w.set(14, rate)
        w.set(15, period)
        w.set(16, notify)
        w.set(17, hidden)
        w.set(19, renew)
        w.set(20, rateReal)
        return w.value
    }
}
