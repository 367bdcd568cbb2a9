import BfxProtocol

/// One price level (or raw order) of a book.
public struct ConsoleBookLevel: ConsoleRecord, Sendable, Equatable {
    /// Price (exact wire text).
    public var price: String
    /// Orders at the level (raw books: 1).
    public var count: Int
    /// Amount (positive bid, negative ask).
    public var amount: String

    /// Creates the value.
    public init(price: String, count: Int, amount: String) {
        self.price = price
        self.count = count
        self.amount = amount
    }

    /// Column names in display order.
    public static let columns: [String] = ["price", "count", "amount"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("price", .string(price)),
            JSONObject.Member("count", .int(count)),
            JSONObject.Member("amount", .string(amount)),
        ]
    }
}
