/// The request fields an `error` event may echo (`channel`, `symbol`, `key`). Whether the server
/// echoes them is UNVERIFIED (reference §3.1), so an error without `subId` is matched by these
/// fields instead (docs/adr/0028).
struct ErrorEcho: Sendable, Equatable {
    /// Echoed `channel`, if any.
    var channel: String?
    /// Echoed `symbol`, if any.
    var symbol: String?
    /// Echoed `key` (candles, status), if any.
    var key: String?

    /// Codes that answer a `subscribe` (reference §3.1/§3.3): only these are matched by fields.
    static let subscribeErrorCodes: Set<Int> = [10001, 10008, 10011, 10012, 10300, 10301, 10302, 10305, 10400, 11000]
    /// Codes that can answer an `unsubscribe`: only these are matched to a pending resync.
    static let unsubscribeErrorCodes: Set<Int> = [10008, 10300, 10400, 10401, 11000]

    /// Whether a subscription for `spec` could have sent the request this error echoes (an
    /// absent field fits every spec).
    func fits(_ spec: ChannelSpec) -> Bool {
        if let channel, channel != spec.channelName { return false }
        if let symbol, symbol != spec.symbolOrKey { return false }
        if let key, !key.contains(spec.symbolOrKey) { return false }
        return true
    }
}
