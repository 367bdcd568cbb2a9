/// One price level of a P0–P4 book. Trading layout `[PRICE,COUNT,AMOUNT]`; funding layout
/// `[RATE,PERIOD,COUNT,AMOUNT]` (then ``price`` holds the rate and ``period`` is set).
/// A trading level with amount > 0 is a bid; in funding books amount < 0 is a bid.
/// `count == 0` means "delete this level" (amount 1/−1 tells the side).
public struct BookEntry: Sendable, Hashable {
    /// Price (trading) or rate (funding), exact wire text.
    public var price: WireNumber
    /// Number of orders at this level (0 = delete).
    public var count: Int64
    /// Total amount at this level, signed, exact wire text.
    public var amount: WireNumber
    /// Funding period in days (funding books only).
    public var period: Int64?

    /// Builds one aggregated-book (P0–P4) level: `count` 0 removes the level at `price`; otherwise
    /// `amount` is positive for bids and negative for asks. `period` (days) only for funding books.
    public init(price: WireNumber, count: Int64, amount: WireNumber, period: Int64? = nil) {
        self.price = price
        self.count = count
        self.amount = amount
        self.period = period
    }

    /// `true` for funding entries (with a period).
    public var isFunding: Bool { period != nil }

    /// Decodes a trading (`funding == false`) or funding row.
    public init(row value: JSONValue, funding: Bool) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "BookEntry")
        if funding {
            price = try r.number(0, "rate")
            period = try r.int(1, "period")
            count = try r.int(2, "count")
            amount = try r.number(3, "amount")
        } else {
            price = try r.number(0, "price")
            count = try r.int(1, "count")
            amount = try r.number(2, "amount")
            period = nil
        }
    }

    /// The wire row.
    public var row: JSONValue {
        if let period {
            return .array([.number(price), .number(WireNumber(period)), .number(WireNumber(count)), .number(amount)])
        }
        return .array([.number(price), .number(WireNumber(count)), .number(amount)])
    }
}
