import BfxProtocol

/// One public trade.
public struct ConsoleTrade: ConsoleRecord, Sendable, Equatable {
    /// Trade id.
    public var id: Int64
    /// Millisecond timestamp.
    public var mts: Int64
    /// Amount (positive: taker bought).
    public var amount: String
    /// Price.
    public var price: String

    /// Creates the value.
    public init(id: Int64, mts: Int64, amount: String, price: String) {
        self.id = id
        self.mts = mts
        self.amount = amount
        self.price = price
    }

    /// Column names in display order.
    public static let columns: [String] = ["id", "mts", "amount", "price"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("id", .int(id)),
            JSONObject.Member("mts", .int(mts)),
            JSONObject.Member("amount", .string(amount)),
            JSONObject.Member("price", .string(price)),
        ]
    }
}
