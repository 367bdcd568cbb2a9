/// A new order (`on` input, also the REST `auth/w/order/submit` body). Amounts and prices are
/// sent as plain decimal strings (no exponent).
public struct NewOrder: Sendable, Hashable {
    /// Order type, e.g. `EXCHANGE LIMIT`, `LIMIT`, `MARKET`.
    public var type: String
    /// Symbol, e.g. `tBTCUSD`.
    public var symbol: String
    /// Amount: positive buys, negative sells.
    public var amount: WireNumber
    /// Limit price (not for market orders).
    public var price: WireNumber?
    /// Client order id (unique per UTC day).
    public var cid: Int64?
    /// Group id.
    public var gid: Int64?
    /// Leverage 1–100 (derivatives).
    public var lev: Int64?
    /// Trailing price.
    public var priceTrailing: WireNumber?
    /// Aux limit price (STOP LIMIT).
    public var priceAuxLimit: WireNumber?
    /// OCO stop price.
    public var priceOcoStop: WireNumber?
    /// OCO client id.
    public var cidOco: Int64?
    /// Order flags sum (HIDDEN 64, CLOSE 512, REDUCE_ONLY 1024, POST_ONLY 4096, OCO 16384 …).
    public var flags: Int64?
    /// Time-in-force `YYYY-MM-DD HH:MM:SS`.
    public var tif: String?
    /// Meta object (e.g. `aff_code`).
    public var meta: JSONObject?

    /// Builds an `on` order: `type` and `symbol` as Bitfinex spells them, `amount` positive to buy
    /// and negative to sell, `price` required except for market orders. Every optional field
    /// defaults to `nil` and is then left out of the request.
    public init(type: String, symbol: String, amount: WireNumber, price: WireNumber? = nil, cid: Int64? = nil, gid: Int64? = nil,
                lev: Int64? = nil, priceTrailing: WireNumber? = nil, priceAuxLimit: WireNumber? = nil, priceOcoStop: WireNumber? = nil,
                cidOco: Int64? = nil, flags: Int64? = nil, tif: String? = nil, meta: JSONObject? = nil) {
        self.type = type
        self.symbol = symbol
        self.amount = amount
        self.price = price
        self.cid = cid
        self.gid = gid
        self.lev = lev
        self.priceTrailing = priceTrailing
        self.priceAuxLimit = priceAuxLimit
        self.priceOcoStop = priceOcoStop
        self.cidOco = cidOco
        self.flags = flags
        self.tif = tif
        self.meta = meta
    }

    /// The JSON object payload (field order as in the documentation).
    public var payload: JSONValue {
        var o = JSONObject()
        o.setInt("gid", gid)
        o.setInt("cid", cid)
        o.append("type", .string(type))
        o.append("symbol", .string(symbol))
        o.setDecimal("amount", amount)
        o.setDecimal("price", price)
        o.setInt("lev", lev)
        o.setDecimal("price_trailing", priceTrailing)
        o.setDecimal("price_aux_limit", priceAuxLimit)
        o.setDecimal("price_oco_stop", priceOcoStop)
        o.setInt("cid_oco", cidOco)
        o.setInt("flags", flags)
        if let tif { o.append("tif", .string(tif)) }
        if let meta { o.append("meta", .object(meta)) }
        return .object(o)
    }
}

extension JSONObject {
    mutating func setInt(_ key: String, _ v: Int64?) {
        if let v { append(key, .number(WireNumber(v))) }
    }

    mutating func setDecimal(_ key: String, _ v: WireNumber?) {
        if let v { append(key, .string(v.plainText)) }
    }
}
