import BfxProtocol

/// One order.
public struct ConsoleOrder: ConsoleRecord, Sendable, Equatable {
    /// Order id.
    public var id: Int64
    /// Client order id.
    public var cid: Int64?
    /// Symbol.
    public var symbol: String
    /// Order type.
    public var type: String
    /// Remaining amount.
    public var amount: String
    /// Original amount.
    public var amountOrig: String?
    /// Price.
    public var price: String?
    /// Status text.
    public var status: String

    /// Creates the value.
    public init(id: Int64, cid: Int64? = nil, symbol: String, type: String, amount: String, amountOrig: String? = nil, price: String? = nil, status: String) {
        self.id = id
        self.cid = cid
        self.symbol = symbol
        self.type = type
        self.amount = amount
        self.amountOrig = amountOrig
        self.price = price
        self.status = status
    }

    /// Column names in display order.
    public static let columns: [String] = ["id", "cid", "symbol", "type", "amount", "amount_orig", "price", "status"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("id", .int(id)),
            JSONObject.Member("cid", cid.map { .int($0) } ?? .null),
            JSONObject.Member("symbol", .string(symbol)),
            JSONObject.Member("type", .string(type)),
            JSONObject.Member("amount", .string(amount)),
            JSONObject.Member("amount_orig", amountOrig.map { .string($0) } ?? .null),
            JSONObject.Member("price", price.map { .string($0) } ?? .null),
            JSONObject.Member("status", .string(status)),
        ]
    }
}
