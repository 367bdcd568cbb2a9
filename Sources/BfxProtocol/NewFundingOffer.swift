/// A new funding offer (`fon` input).
public struct NewFundingOffer: Sendable, Hashable {
    /// Offer type, e.g. `LIMIT`, `FRRDELTAVAR`.
    public var type: String
    /// Funding symbol, e.g. `fUSD`.
    public var symbol: String
    /// Amount (positive lends).
    public var amount: WireNumber
    /// Daily rate.
    public var rate: WireNumber
    /// Period in days (2–120).
    public var period: Int64
    /// The `flags` bit field of the `fon` request, sent as is (0 = no flags; see Bitfinex's order flag list).
    public var flags: Int64

    /// Builds a `fon` offer: `amount` in the currency (positive lends), `rate` per day, `period` in
    /// days (2–120); `type` defaults to `LIMIT`, `flags` to 0. Numbers are sent as their exact wire
    /// text.
    public init(type: String = "LIMIT", symbol: String, amount: WireNumber, rate: WireNumber, period: Int64, flags: Int64 = 0) {
        self.type = type
        self.symbol = symbol
        self.amount = amount
        self.rate = rate
        self.period = period
        self.flags = flags
    }

    /// The JSON object payload.
    public var payload: JSONValue {
        var o = JSONObject()
        o.append("type", .string(type))
        o.append("symbol", .string(symbol))
        o.setDecimal("amount", amount)
        o.setDecimal("rate", rate)
        o.setInt("period", period)
        o.setInt("flags", flags)
        return .object(o)
    }
}
