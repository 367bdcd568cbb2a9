import BfxProtocol

/// One price level (or raw order) of a book.
public struct ConsoleBookLevel: ConsoleRecord, Sendable, Equatable {
    /// Price (exact wire text).
    public var price: String
    /// Orders at the level (raw books: 1).
    public var count: Int
    /// Amount, always positive (exact wire text without its sign): the side is given by the list
    /// holding the level (`bids` or `asks`), the same convention as the run summary, `run --once
    /// --json` and the dashboard. Only protocol views (`raw`, frame dumps) show the signed wire value.
    public var amount: String

    /// Creates the value; a leading `-` on `amount` (the wire sign of asks) is dropped.
    public init(price: String, count: Int, amount: String) {
        self.price = price
        self.count = count
        self.amount = amount.hasPrefix("-") ? String(amount.dropFirst()) : amount
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
