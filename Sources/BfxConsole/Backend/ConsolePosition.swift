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
    public var consoleFields: [ConsoleField] {
        [
            ConsoleField("symbol", .string(symbol)),
            ConsoleField("status", .string(status)),
            ConsoleField("amount", .string(amount)),
            ConsoleField("base_price", .string(basePrice)),
            ConsoleField("pl", profitLoss.map { .string($0) } ?? .null),
            ConsoleField("liq_price", liquidationPrice.map { .string($0) } ?? .null),
            ConsoleField("leverage", leverage.map { .string($0) } ?? .null),
        ]
    }
}
