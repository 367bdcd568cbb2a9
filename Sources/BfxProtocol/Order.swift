/// An order row (channel 0 `os/on/ou/oc`, notifications). `id` is 0 when the server sends null (failed `on-req`).
public struct Order: Sendable, Hashable {
    /// Order id (0 if null). (index 0)
    public var id: Int64
    /// Group id. (index 1)
    public var gid: Int64?
    /// Client order id. (index 2)
    public var cid: Int64?
    /// Symbol (empty if null). (index 3)
    public var symbol: String
    /// Creation time, ms. (index 4)
    public var mtsCreate: Int64?
    /// Update time, ms. (index 5)
    public var mtsUpdate: Int64?
    /// Remaining amount (+ buy, − sell). (index 6)
    public var amount: WireNumber?
    /// Original amount. (index 7)
    public var amountOrig: WireNumber?
    /// Order type, e.g. EXCHANGE LIMIT. (index 8)
    public var orderType: String?
    /// Previous type. (index 9)
    public var typePrev: String?
    /// Time-in-force, ms. (index 10)
    public var mtsTif: Int64?
    /// Order flags. (index 12)
    public var flags: Int64?
    /// Status text, e.g. ACTIVE, EXECUTED @ 100(1.0). (index 13)
    public var status: String?
    /// Price. (index 16)
    public var price: WireNumber?
    /// Average fill price. (index 17)
    public var priceAvg: WireNumber?
    /// Trailing price. (index 18)
    public var priceTrailing: WireNumber?
    /// Aux limit price. (index 19)
    public var priceAuxLimit: WireNumber?
    /// 1 if notifications are on. (index 23)
    public var notify: Int64?
    /// 1 if hidden. (index 24)
    public var hidden: Int64?
    /// Placed id (OCO). (index 25)
    public var placedId: Int64?
    /// Routing, e.g. API>BFX. (index 28)
    public var routing: String?
    /// Meta object. (index 31)
    public var meta: JSONValue?

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        id: Int64,
        gid: Int64? = nil,
        cid: Int64? = nil,
        symbol: String,
        mtsCreate: Int64? = nil,
        mtsUpdate: Int64? = nil,
        amount: WireNumber? = nil,
        amountOrig: WireNumber? = nil,
        orderType: String? = nil,
        typePrev: String? = nil,
        mtsTif: Int64? = nil,
        flags: Int64? = nil,
        status: String? = nil,
        price: WireNumber? = nil,
        priceAvg: WireNumber? = nil,
        priceTrailing: WireNumber? = nil,
        priceAuxLimit: WireNumber? = nil,
        notify: Int64? = nil,
        hidden: Int64? = nil,
        placedId: Int64? = nil,
        routing: String? = nil,
        meta: JSONValue? = nil
    ) {
        self.id = id
        self.gid = gid
        self.cid = cid
        self.symbol = symbol
        self.mtsCreate = mtsCreate
        self.mtsUpdate = mtsUpdate
        self.amount = amount
        self.amountOrig = amountOrig
        self.orderType = orderType
        self.typePrev = typePrev
        self.mtsTif = mtsTif
        self.flags = flags
        self.status = status
        self.price = price
        self.priceAvg = priceAvg
        self.priceTrailing = priceTrailing
        self.priceAuxLimit = priceAuxLimit
        self.notify = notify
        self.hidden = hidden
        self.placedId = placedId
        self.routing = routing
        self.meta = meta
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "Order")
        id = try r.optInt(0, "id") ?? 0
        gid = try r.optInt(1, "gid")
        cid = try r.optInt(2, "cid")
        symbol = try r.optString(3, "symbol") ?? ""
        mtsCreate = try r.optInt(4, "mtsCreate")
        mtsUpdate = try r.optInt(5, "mtsUpdate")
        amount = try r.optNumber(6, "amount")
        amountOrig = try r.optNumber(7, "amountOrig")
        orderType = try r.optString(8, "orderType")
        typePrev = try r.optString(9, "typePrev")
        mtsTif = try r.optInt(10, "mtsTif")
        flags = try r.optInt(12, "flags")
        status = try r.optString(13, "status")
        price = try r.optNumber(16, "price")
        priceAvg = try r.optNumber(17, "priceAvg")
        priceTrailing = try r.optNumber(18, "priceTrailing")
        priceAuxLimit = try r.optNumber(19, "priceAuxLimit")
        notify = try r.optInt(23, "notify")
        hidden = try r.optInt(24, "hidden")
        placedId = try r.optInt(25, "placedId")
        routing = try r.optString(28, "routing")
        meta = try r.optJSON(31, "meta")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 32)
        // 0 stands for the null id of a failed `on-req` (no order has id 0): written back as null,
        // so a row decoded and re-encoded (the gateway's notifications) is the row the server sent
        w.set(0, id == 0 ? nil : id)
        w.set(1, gid)
        w.set(2, cid)
        w.set(3, symbol)
        w.set(4, mtsCreate)
        w.set(5, mtsUpdate)
        w.set(6, amount)
        w.set(7, amountOrig)
        w.set(8, orderType)
        w.set(9, typePrev)
        w.set(10, mtsTif)
        w.set(12, flags)
        w.set(13, status)
        w.set(16, price)
        w.set(17, priceAvg)
        w.set(18, priceTrailing)
        w.set(19, priceAuxLimit)
        w.set(23, notify)
        w.set(24, hidden)
        w.set(25, placedId)
        w.set(28, routing)
        w.set(31, meta)
        return w.value
    }
}
