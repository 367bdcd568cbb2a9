/// One row of an ``OrderBook`` side: a price level (P0–P4) or an individual order (R0).
public struct BookLevel: Sendable, Hashable {
    /// The checksum key: the price for P books, the order id for R0 books (exact text).
    public var key: WireNumber
    /// Price (trading) or rate (funding), exact wire text.
    public var price: WireNumber
    /// Amount, signed (asks negative in trading books), exact wire text.
    public var amount: WireNumber
    /// Orders at this level (P books); 1 for R0.
    public var count: Int64
    /// Order id (R0 books).
    public var orderId: Int64?
    /// Funding period in days (funding books).
    public var period: Int64?
    /// `price` as a Double, cached for ordering.
    public var priceValue: Double

    /// Builds a level as the book stores it: `key` orders the level (the price, or the order id in
    /// raw books), `amount` is signed as on the wire; `orderId` only in raw books and `period` only
    /// in funding books.
    public init(key: WireNumber, price: WireNumber, amount: WireNumber, count: Int64, orderId: Int64? = nil, period: Int64? = nil) {
        self.key = key
        self.price = price
        self.amount = amount
        self.count = count
        self.orderId = orderId
        self.period = period
        self.priceValue = price.double
    }
}
