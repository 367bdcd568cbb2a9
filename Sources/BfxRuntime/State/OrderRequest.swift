/// A new order for `Runtime.submitOrder` (sent as REST `auth/w/order/submit` through the nonce queue).
public struct OrderRequest: Sendable, Hashable, Codable {
    /// Order type, e.g. `EXCHANGE LIMIT`.
    public var type: String
    /// Symbol, e.g. `tBTCUSD`.
    public var symbol: String
    /// Amount as a decimal string (> 0 buy, < 0 sell).
    public var amount: String
    /// Price as a decimal string (limit orders).
    public var price: String?
    /// Client order id.
    public var cid: Int64?

    /// Creates a request.
    public init(type: String, symbol: String, amount: String, price: String? = nil, cid: Int64? = nil) {
        self.type = type
        self.symbol = symbol
        self.amount = amount
        self.price = price
        self.cid = cid
    }
}
