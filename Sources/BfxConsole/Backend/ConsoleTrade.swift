import BfxProtocol

/// One public trade.
public struct ConsoleTrade: ConsoleRecord, Sendable, Equatable {
    /// Trade id.
    public var id: Int64
    /// Millisecond timestamp.
    public var mts: Int64
    /// `buy` (the taker bought) or `sell`, from the wire sign of the amount.
    public var side: String
    /// Amount, positive (the side is ``side``; see "Amounts and sides" in docs/console.md).
    public var amount: String
    /// Execution price (exact wire text; for funding trades the rate).
    public var price: String

    /// Creates the value from the wire's signed amount (+ the taker bought, − sold); it is
    /// stored as ``side`` plus a positive amount.
    public init(id: Int64, mts: Int64, amount: String, price: String) {
        self.id = id
        self.mts = mts
        side = amount.hasPrefix("-") ? "sell" : "buy"
        self.amount = amount.hasPrefix("-") ? String(amount.dropFirst()) : amount
        self.price = price
    }

    /// Column names in display order.
    public static let columns: [String] = ["id", "mts", "side", "amount", "price"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("id", .int(id)),
            JSONObject.Member("mts", .int(mts)),
            JSONObject.Member("side", .string(side)),
            JSONObject.Member("amount", .string(amount)),
            JSONObject.Member("price", .string(price)),
        ]
    }
}
