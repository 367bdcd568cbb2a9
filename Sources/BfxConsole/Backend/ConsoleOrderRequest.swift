/// A new order as the `order new` command builds it.
public struct ConsoleOrderRequest: Sendable, Equatable {
    /// Symbol, e.g. `tBTCUSD`.
    public var symbol: String
    /// Order type, e.g. `EXCHANGE LIMIT`.
    public var type: String
    /// Decimal amount text (positive buy, negative sell).
    public var amount: String
    /// Decimal price text (absent for market orders).
    public var price: String?
    /// Client order id.
    public var cid: Int64?
    /// Order flags sum.
    public var flags: Int?
    /// Leverage (derivatives).
    public var leverage: Int?

    /// Built by the `order` command from its arguments: `amount` as decimal text, positive to buy
    /// and negative to sell; `price` is `nil` for market orders; the other optional fields default
    /// to `nil` (not sent).
    public init(symbol: String, type: String, amount: String, price: String? = nil, cid: Int64? = nil, flags: Int? = nil, leverage: Int? = nil) {
        self.symbol = symbol
        self.type = type
        self.amount = amount
        self.price = price
        self.cid = cid
        self.flags = flags
        self.leverage = leverage
    }
}
