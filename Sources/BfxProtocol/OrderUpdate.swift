/// An order update (`ou` input): change price, amount, delta, flags … of order ``id``.
public struct OrderUpdate: Sendable, Hashable {
    /// Order id.
    public var id: Int64
    /// New price.
    public var price: WireNumber?
    /// New amount.
    public var amount: WireNumber?
    /// Change of amount relative to the current amount.
    public var delta: WireNumber?
    /// New aux limit price.
    public var priceAuxLimit: WireNumber?
    /// New trailing price.
    public var priceTrailing: WireNumber?
    /// New flags.
    public var flags: Int64?
    /// New leverage.
    public var lev: Int64?
    /// New time-in-force.
    public var tif: String?
    /// Client id.
    public var cid: Int64?
    /// Client id date `YYYY-MM-DD`.
    public var cidDate: String?
    /// Group id.
    public var gid: Int64?

    /// Builds an `ou` update of order `id`: only the fields you pass (non-`nil`) are sent; `amount`
    /// replaces the amount, `delta` changes it relative to the current one.
    public init(id: Int64, price: WireNumber? = nil, amount: WireNumber? = nil, delta: WireNumber? = nil, priceAuxLimit: WireNumber? = nil,
                priceTrailing: WireNumber? = nil, flags: Int64? = nil, lev: Int64? = nil, tif: String? = nil, cid: Int64? = nil,
                cidDate: String? = nil, gid: Int64? = nil) {
        self.id = id
        self.price = price
        self.amount = amount
        self.delta = delta
        self.priceAuxLimit = priceAuxLimit
        self.priceTrailing = priceTrailing
        self.flags = flags
        self.lev = lev
        self.tif = tif
        self.cid = cid
        self.cidDate = cidDate
        self.gid = gid
    }

    /// The JSON object payload.
    public var payload: JSONValue {
        var o = JSONObject()
        o.append("id", .number(WireNumber(id)))
        o.setDecimal("price", price)
        o.setDecimal("amount", amount)
        o.setDecimal("delta", delta)
        o.setDecimal("price_aux_limit", priceAuxLimit)
        o.setDecimal("price_trailing", priceTrailing)
        o.setInt("flags", flags)
        o.setInt("lev", lev)
        if let tif { o.append("tif", .string(tif)) }
        o.setInt("cid", cid)
        if let cidDate { o.append("cid_date", .string(cidDate)) }
        o.setInt("gid", gid)
        return .object(o)
    }
}
