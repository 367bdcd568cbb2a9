import BfxProtocol

/// One margin/derivatives position.
public struct ConsolePosition: ConsoleRecord, Sendable, Equatable {
    /// Symbol.
    public var symbol: String
    /// Status.
    public var status: String
    /// Amount.
    public var amount: String
    /// Base price.
    public var basePrice: String
    /// Profit/loss.
    public var profitLoss: String?
    /// Liquidation price.
    public var liquidationPrice: String?
    /// Leverage.
    public var leverage: String?

    /// Creates the value.
    public init(symbol: String, status: String, amount: String, basePrice: String, profitLoss: String? = nil, liquidationPrice: String? = nil, leverage: String? = nil) {
        self.symbol = symbol
        self.status = status
        self.amount = amount
        self.basePrice = basePrice
        self.profitLoss = profitLoss
        self.liquidationPrice = liquidationPrice
        self.leverage = leverage
    }

    /// Column names in display order.
    public static let columns: [String] = ["symbol", "status", "amount", "base_price", "pl", "liq_price", "leverage"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("symbol", .string(symbol)),
            JSONObject.Member("status", .string(status)),
            JSONObject.Member("amount", .string(amount)),
            JSONObject.Member("base_price", .string(basePrice)),
            JSONObject.Member("pl", profitLoss.map { .string($0) } ?? .null),
            JSONObject.Member("liq_price", liquidationPrice.map { .string($0) } ?? .null),
            JSONObject.Member("leverage", leverage.map { .string($0) } ?? .null),
        ]
    }
}
