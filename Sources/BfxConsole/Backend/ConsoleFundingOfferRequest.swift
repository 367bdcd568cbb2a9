/// A new funding offer as the `funding offer new` command builds it.
public struct ConsoleFundingOfferRequest: Sendable, Equatable {
    /// Funding symbol, e.g. `fUSD`.
    public var symbol: String
    /// Decimal amount text (positive to lend, negative to borrow).
    public var amount: String
    /// Decimal daily rate text, e.g. `0.0002`.
    public var rate: String
    /// Period in days (2...120).
    public var period: Int
    /// Offer type: `LIMIT`, `FRRDELTAVAR` or `FRRDELTAFIX`.
    public var type: String
    /// Offer flags sum.
    public var flags: Int

    /// Built by the `funding offer` command from its arguments: amounts and rate as decimal text
    /// (rate per day), `period` in days; `type` defaults to `LIMIT` and `flags` to 0.
    public init(symbol: String, amount: String, rate: String, period: Int, type: String = "LIMIT", flags: Int = 0) {
        self.symbol = symbol
        self.amount = amount
        self.rate = rate
        self.period = period
        self.type = type
        self.flags = flags
    }
}
