import BfxProtocol

/// One margin/derivatives position.
public struct ConsolePosition: ConsoleRecord, Sendable, Equatable {
    /// Trading pair of the position, e.g. `tBTCUSD`.
    public var symbol: String
    /// Position status as Bitfinex reports it (`ACTIVE` or `CLOSED`).
    public var status: String
    /// Position size in base currency: positive long, negative short (exact wire text).
    public var amount: String
    /// Average entry price of the position (exact wire text).
    public var basePrice: String
    /// Unrealised profit or loss in quote currency, when the server computed it (`calc`).
    public var profitLoss: String?
    /// Price at which the position would be liquidated, when reported.
    public var liquidationPrice: String?
    /// Effective leverage of the position, when reported.
    public var leverage: String?

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
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
