import BfxProtocol

/// One wallet balance.
public struct ConsoleWallet: ConsoleRecord, Sendable, Equatable {
    /// `exchange`, `margin` or `funding`.
    public var type: String
    /// Currency code of the wallet, e.g. `USD`, `BTC`.
    public var currency: String
    /// Total balance, including amounts reserved by open orders (exact wire text).
    public var balance: String
    /// Available balance, when known.
    public var available: String?

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(type: String, currency: String, balance: String, available: String? = nil) {
        self.type = type
        self.currency = currency
        self.balance = balance
        self.available = available
    }

    /// Column names in display order.
    public static let columns: [String] = ["type", "currency", "balance", "available"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("type", .string(type)),
            JSONObject.Member("currency", .string(currency)),
            JSONObject.Member("balance", .string(balance)),
            JSONObject.Member("available", available.map { .string($0) } ?? .null),
        ]
    }
}
