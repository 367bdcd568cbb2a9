/// An own trade (channel 0 `te/tu`); fee fields only in `tu`.
public struct AccountTrade: Sendable, Hashable {
    /// Trade id. (index 0)
    public var id: Int64
    /// Symbol. (index 1)
    public var symbol: String
    /// Execution time, ms. (index 2)
    public var mtsCreate: Int64
    /// Order id. (index 3)
    public var orderId: Int64
    /// Executed amount. (index 4)
    public var execAmount: WireNumber
    /// Execution price. (index 5)
    public var execPrice: WireNumber
    /// Order type. (index 6)
    public var orderType: String?
    /// Order price. (index 7)
    public var orderPrice: WireNumber?
    /// 1 maker, −1 taker. (index 8)
    public var maker: Int64?
    /// Fee (tu only). (index 9)
    public var fee: WireNumber?
    /// Fee currency (tu only). (index 10)
    public var feeCurrency: String?
    /// Client order id. (index 11)
    public var cid: Int64?

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        id: Int64,
        symbol: String,
        mtsCreate: Int64,
        orderId: Int64,
        execAmount: WireNumber,
        execPrice: WireNumber,
        orderType: String? = nil,
        orderPrice: WireNumber? = nil,
        maker: Int64? = nil,
        fee: WireNumber? = nil,
        feeCurrency: String? = nil,
        cid: Int64? = nil
    ) {
        self.id = id
        self.symbol = symbol
        self.mtsCreate = mtsCreate
        self.orderId = orderId
        self.execAmount = execAmount
        self.execPrice = execPrice
        self.orderType = orderType
        self.orderPrice = orderPrice
        self.maker = maker
        self.fee = fee
        self.feeCurrency = feeCurrency
        self.cid = cid
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "AccountTrade")
        id = try r.int(0, "id")
        symbol = try r.string(1, "symbol")
        mtsCreate = try r.int(2, "mtsCreate")
        orderId = try r.int(3, "orderId")
        execAmount = try r.number(4, "execAmount")
        execPrice = try r.number(5, "execPrice")
        orderType = try r.optString(6, "orderType")
        orderPrice = try r.optNumber(7, "orderPrice")
        maker = try r.optInt(8, "maker")
        fee = try r.optNumber(9, "fee")
        feeCurrency = try r.optString(10, "feeCurrency")
        cid = try r.optInt(11, "cid")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 12)
        w.set(0, id)
        w.set(1, symbol)
        w.set(2, mtsCreate)
        w.set(3, orderId)
        w.set(4, execAmount)
        w.set(5, execPrice)
        w.set(6, orderType)
        w.set(7, orderPrice)
        w.set(8, maker)
        w.set(9, fee)
        w.set(10, feeCurrency)
        w.set(11, cid)
        return w.value
    }
}
