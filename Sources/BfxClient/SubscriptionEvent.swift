import BfxProtocol

/// One event of a ``Subscription``, delivered in order through ``Subscription/events`` or
/// ``Subscription/onEvent(_:)``.
public enum SubscriptionEvent: Sendable {
    /// The channel is (again) subscribed on connection `connection` as `chanId`. `resubscribed` is
    /// `true` after a reconnect, maintenance or integrity resync. Data that follows is fresh.
    case subscribed(chanId: Int, connection: Int, resubscribed: Bool)
    /// The data may be out of date (disconnected, maintenance, or a resync is in progress); a
    /// `subscribed` event and a fresh snapshot follow when the channel is live again.
    case stale(StaleReason)
    /// Trading ticker (latest-only: intermediate tickers may be coalesced).
    case ticker(Ticker)
    /// Funding ticker (latest-only).
    case fundingTicker(FundingTicker)
    /// The trades snapshot received on the first subscribe (oldest first).
    case tradeSnapshot([PublicTrade])
    /// One new trade, delivered once (the `te`, or the `tu` if its `te` was never seen; trades
    /// recovered from a post-reconnect snapshot are delivered this way too, oldest first).
    case trade(PublicTrade)
    /// The maintained, checksum-verified order book changed. Latest-only: under a slow consumer
    /// consecutive changes are coalesced into one event that carries the current book.
    case book(BookEvent)
    /// Candles snapshot (newest first, as sent by the server).
    case candleSnapshot([Candle])
    /// A candle update (the current candle replaced, or a new one).
    case candle(Candle)
    /// Derivatives status (latest-only).
    case derivStatus(DerivStatus)
    /// Liquidation feed entries.
    case liquidations([Liquidation])
    /// An integrity incident on this subscription (also on the client events stream).
    case integrity(IntegrityEvent)
    /// The consumer was too slow: `dropped` queued events (trades or candles) were discarded.
    case overflow(dropped: Int)
    /// The subscription ended with an error (for example an unknown symbol, or the reconnect
    /// policy gave up). No further events follow.
    case failed(SubscriptionError)
}

/// Why a subscription's data is stale.
public enum StaleReason: String, Sendable, Hashable {
    /// The connection was lost; a reconnect is in progress.
    case disconnected
    /// The server is in maintenance (20060) until 20061.
    case maintenance
    /// The channel is being resubscribed after an integrity incident.
    case resync
}

/// A public trade of either kind.
public enum PublicTrade: Sendable, Hashable {
    /// A trading-pair trade (`te`/`tu`).
    case trading(Trade)
    /// A funding trade (`fte`/`ftu`).
    case funding(FundingTrade)

    /// The trade id (global, increasing).
    public var id: Int64 {
        switch self {
        case .trading(let t): t.id
        case .funding(let t): t.id
        }
    }

    /// Milliseconds timestamp.
    public var mts: Int64 {
        switch self {
        case .trading(let t): t.mts
        case .funding(let t): t.mts
        }
    }
}

/// A change of a maintained order book.
public struct BookEvent: Sendable {
    /// The current book (a copy-on-write value: cheap to keep, never mutated under you).
    public var book: OrderBook
    /// Whether this event (or one coalesced into it) was a fresh snapshot (first subscribe or a
    /// rebuild after reconnect/resync).
    public var isSnapshot: Bool
    /// How many book messages are reflected in this event (1 unless coalesced).
    public var updates: Int
    /// How many `cs` checksums have been verified on this subscription so far.
    public var verifiedChecksums: Int
}
