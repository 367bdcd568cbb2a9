/// `{"event":"subscribed",...}` with every echoed field.
public struct SubscribedEvent: Sendable, Hashable {
    /// Channel name (ticker, trades, book, candles, status).
    public var channel: String
    /// Channel id for routing data frames on this connection.
    public var chanId: Int64
    /// Symbol (tBTCUSD / fUSD).
    public var symbol: String?
    /// Trading pair (without `t`), echoed for trading symbols.
    public var pair: String?
    /// Currency (without `f`), echoed for funding symbols.
    public var currency: String?
    /// Book precision (P0–P4, R0).
    public var prec: String?
    /// Book frequency (F0, F1).
    public var freq: String?
    /// Book length (as sent; numbers are rendered as text).
    public var len: String?
    /// Candles/status key.
    public var key: String?
    /// The echoed subscription id (string or number).
    public var subId: JSONValue?
    /// Builds the server's `subscribed` confirmation: `chanId` is the number later frames carry,
    /// the remaining parameters echo the subscription (`nil` when the channel does not use them).
    public init(channel: String, chanId: Int64, symbol: String? = nil, pair: String? = nil, currency: String? = nil,
                prec: String? = nil, freq: String? = nil, len: String? = nil, key: String? = nil, subId: JSONValue? = nil) {
        self.channel = channel
        self.chanId = chanId
        self.symbol = symbol
        self.pair = pair
        self.currency = currency
        self.prec = prec
        self.freq = freq
        self.len = len
        self.key = key
        self.subId = subId
    }
}
