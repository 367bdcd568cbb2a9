/// What a public channel carries. Public payloads are only distinguishable by the channel they
/// arrive on, so ``FrameDecoder`` keeps a chanId → kind registry filled from `subscribed` events.
public enum ChannelKind: Sendable, Hashable {
    /// `ticker` (trading or funding layout).
    case ticker(funding: Bool)
    /// `trades` (trading or funding layout).
    case trades(funding: Bool)
    /// `book` with precision P0–P4.
    case book(funding: Bool)
    /// `book` with precision R0 (raw orders).
    case rawBook(funding: Bool)
    /// OHLCV candles; the subscription is keyed by `trade:<timeframe>:<symbol>`.
    case candles
    /// `status` with a `deriv:` key.
    case derivStatus
    /// `status` with a `liq:` key.
    case liquidations

    /// The kind described by a `subscribed` event, or `nil` for an unknown channel name.
    public init?(subscribed e: SubscribedEvent) {
        let symbol = e.symbol ?? ""
        let funding = symbol.hasPrefix("f") || (e.currency != nil && e.pair == nil && !symbol.hasPrefix("t"))
        switch e.channel {
        case "ticker": self = .ticker(funding: funding)
        case "trades": self = .trades(funding: funding)
        case "book": self = e.prec == "R0" ? .rawBook(funding: funding) : .book(funding: funding)
        case "candles": self = .candles
        case "status":
            if let key = e.key, key.hasPrefix("liq:") { self = .liquidations } else { self = .derivStatus }
        default: return nil
        }
    }

    /// `true` for funding-currency channels.
    public var isFunding: Bool {
        switch self {
        case .ticker(let f), .trades(let f), .book(let f), .rawBook(let f): return f
        case .candles, .derivStatus, .liquidations: return false
        }
    }
}
