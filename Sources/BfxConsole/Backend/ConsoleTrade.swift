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
    public var consoleFields: [ConsoleField] {
        [
            ConsoleField("id", .int(id)),
            ConsoleField("mts", .int(mts)),
            ConsoleField("amount", .string(amount)),
            ConsoleField("price", .string(price)),
        ]
    }
}
