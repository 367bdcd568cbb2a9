import BfxProtocol

/// One order.
public struct ConsoleOrder: ConsoleRecord, Sendable, Equatable {
    /// Order id.
    public var id: Int64
    /// Client order id.
    public var cid: Int64?
    /// Trading pair of the order, e.g. `tBTCUSD`.
    public var symbol: String
    /// Order type.
    public var type: String
    /// `buy` or `sell` (from the wire sign of the amount).
    public var side: String
    /// Remaining amount, positive (the side is ``side``; see "Amounts and sides" in docs/console.md).
    public var amount: String
    /// Original amount, positive.
    public var amountOrig: String?
    /// Limit price (exact wire text); `nil` for market orders or when the server sent none.
    public var price: String?
    /// Status text.
    public var status: String

    /// Creates the value from the wire's signed amounts (+buy/−sell); they are stored as ``side``
    /// plus positive amounts.
    public init(id: Int64, cid: Int64? = nil, symbol: String, type: String, amount: String, amountOrig: String? = nil, price: String? = nil, status: String) {
        self.id = id
        self.cid = cid
        self.symbol = symbol
        self.type = type
        // The wire's signed amounts (+buy/−sell) become a side plus positive amounts.
        let signed = amount.hasPrefix("-") ? amount : (amountOrig ?? amount)
        self.side = signed.hasPrefix("-") ? "sell" : "buy"
        self.amount = ConsoleOrder.unsigned(amount)
        self.amountOrig = amountOrig.map(ConsoleOrder.unsigned)
        self.price = price
        self.status = status
    }

    /// Column names in display order.
    public static let columns: [String] = ["id", "cid", "symbol", "type", "side", "amount", "amount_orig", "price", "status"]

    /// `text` without a leading minus sign.
    static func unsigned(_ text: String) -> String { text.hasPrefix("-") ? String(text.dropFirst()) : text }

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("id", .int(id)),
            JSONObject.Member("cid", cid.map { .int($0) } ?? .null),
            JSONObject.Member("symbol", .string(symbol)),
            JSONObject.Member("type", .string(type)),
            JSONObject.Member("side", .string(side)),
            JSONObject.Member("amount", .string(amount)),
            JSONObject.Member("amount_orig", amountOrig.map { .string($0) } ?? .null),
            JSONObject.Member("price", price.map { .string($0) } ?? .null),
            JSONObject.Member("status", .string(status)),
        ]
    }
}
