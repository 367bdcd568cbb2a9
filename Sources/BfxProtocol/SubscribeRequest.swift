/// The parameters of a `subscribe` request.
public struct SubscribeRequest: Sendable, Hashable {
    /// Channel name.
    public var channel: String
    /// Trading or funding symbol for `ticker`/`trades`/`book` (e.g. `tBTCUSD`, `fUSD`); `nil` for channels keyed otherwise (`candles` uses `key`).
    public var symbol: String?
    /// Book precision.
    public var prec: String?
    /// Book frequency.
    public var freq: String?
    /// Book length.
    public var len: String?
    /// Candles/status key.
    public var key: String?
    /// Subscription id to echo.
    public var subId: JSONValue?
    /// Only `channel` is required; every other field defaults to `nil` and is then left out of the
    /// `subscribe` message (the server applies its own default, e.g. `P0`/`F0`/`25` for books).
    public init(channel: String, symbol: String? = nil, prec: String? = nil, freq: String? = nil, len: String? = nil, key: String? = nil, subId: JSONValue? = nil) {
        self.channel = channel
        self.symbol = symbol
        self.prec = prec
        self.freq = freq
        self.len = len
        self.key = key
        self.subId = subId
    }
    /// The request to send.
    public var request: BfxRequest {
        .subscribe(channel: channel, symbol: symbol, prec: prec, freq: freq, len: len, key: key, subId: subId)
    }
}
