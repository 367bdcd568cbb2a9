/// One order of an R0 (raw) book. Trading layout `[ORDER_ID,PRICE,AMOUNT]`; funding layout
/// `[OFFER_ID,PERIOD,RATE,AMOUNT]`. `price == 0` means "delete this order".
public struct RawBookEntry: Sendable, Hashable {
    /// Order (or offer) id.
    public var orderId: Int64
    /// Price (trading) or rate (funding), exact wire text.
    public var price: WireNumber
    /// Amount, signed, exact wire text.
    public var amount: WireNumber
    /// Funding period in days (funding books only).
    public var period: Int64?

    /// Builds one raw-book (R0) entry: `amount` 0 removes order `orderId` from the book, a positive
    /// amount is a bid and a negative one an ask; `period` (days) only for funding books.
    public init(orderId: Int64, price: WireNumber, amount: WireNumber, period: Int64? = nil) {
        self.orderId = orderId
        self.price = price
        self.amount = amount
        self.period = period
    }

    /// Decodes a trading (`funding == false`) or funding row.
    public init(row value: JSONValue, funding: Bool) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "RawBookEntry")
        orderId = try r.int(0, "orderId")
        if funding {
            period = try r.int(1, "period")
            price = try r.number(2, "rate")
            amount = try r.number(3, "amount")
        } else {
            price = try r.number(1, "price")
            amount = try r.number(2, "amount")
            period = nil
        }
    }

    /// The wire row.
    public var row: JSONValue {
        if let period {
            return .array([.number(WireNumber(orderId)), .number(WireNumber(period)), .number(price), .number(amount)])
        }
        return .array([.number(WireNumber(orderId)), .number(price), .number(amount)])
    }
}
