/// One decoded WebSocket text frame. `chanId` routes public data; channel 0 is account data.
///
/// The cases with large payloads (events, tickers, candles, derivative status, account events —
/// up to 600 bytes inline) are `indirect`, so a frame is about 150 bytes instead of 641: the hot
/// frames (book updates, trades, `hb`, `cs`) are copied on every hand-over and stay inline and
/// allocation-free (ADR 0030).
public enum Frame: Sendable, Hashable {
    /// An event object (`info`, `subscribed`, `error`, `auth`, …).
    indirect case event(BfxEvent)
    /// `[chanId,"hb"]` heartbeat (channel 0 included).
    case heartbeat(chanId: Int64, meta: FrameMeta)
    /// `[chanId,"cs",checksum]` book checksum (signed Int32).
    case checksum(chanId: Int64, value: Int32, meta: FrameMeta)
    /// P0–P4 book snapshot (the first array of levels after subscribing).
    case bookSnapshot(chanId: Int64, [BookEntry], meta: FrameMeta)
    /// P0–P4 single-level update.
    case bookUpdate(chanId: Int64, BookEntry, meta: FrameMeta)
    /// Several P0–P4 updates in one frame (BULK_UPDATES, after the snapshot).
    case bookUpdates(chanId: Int64, [BookEntry], meta: FrameMeta)
    /// R0 snapshot.
    case rawBookSnapshot(chanId: Int64, [RawBookEntry], meta: FrameMeta)
    /// R0 single-order update.
    case rawBookUpdate(chanId: Int64, RawBookEntry, meta: FrameMeta)
    /// Several R0 updates in one frame (BULK_UPDATES).
    case rawBookUpdates(chanId: Int64, [RawBookEntry], meta: FrameMeta)
    /// Trading ticker.
    indirect case ticker(chanId: Int64, Ticker, meta: FrameMeta)
    /// A ticker update of a funding symbol (`f…`): FRR, bid/ask rates and periods, daily change.
    indirect case fundingTicker(chanId: Int64, FundingTicker, meta: FrameMeta)
    /// The most recent trades of a trading symbol, sent once right after subscribing (newest first).
    case tradesSnapshot(chanId: Int64, [Trade], meta: FrameMeta)
    /// `te`/`tu` trade.
    case trade(chanId: Int64, TradeEventKind, Trade, meta: FrameMeta)
    /// The most recent funding trades of a funding symbol, sent once right after subscribing.
    case fundingTradesSnapshot(chanId: Int64, [FundingTrade], meta: FrameMeta)
    /// `fte`/`ftu` funding trade.
    case fundingTrade(chanId: Int64, TradeEventKind, FundingTrade, meta: FrameMeta)
    /// Candles snapshot (newest first).
    case candlesSnapshot(chanId: Int64, [Candle], meta: FrameMeta)
    /// Candle update (replace by `mts` or append).
    indirect case candleUpdate(chanId: Int64, Candle, meta: FrameMeta)
    /// Derivative status.
    indirect case derivStatus(chanId: Int64, DerivStatus, meta: FrameMeta)
    /// Position liquidation events from the `status` channel (`liq:global`).
    case liquidations(chanId: Int64, [Liquidation], meta: FrameMeta)
    /// Channel-0 account data.
    indirect case user(UserEvent, meta: FrameMeta)
    /// Data for a chanId not in the registry (the whole frame kept verbatim).
    case unknownChannel(chanId: Int64, JSONValue)
    /// A well-formed frame of a shape this version does not know.
    case unknown(JSONValue)

    /// The channel id of a data frame (`nil` for events and unknown frames).
    public var chanId: Int64? {
        switch self {
        case .heartbeat(let c, _), .checksum(let c, _, _), .bookSnapshot(let c, _, _), .bookUpdate(let c, _, _),
            .bookUpdates(let c, _, _), .rawBookSnapshot(let c, _, _), .rawBookUpdate(let c, _, _), .rawBookUpdates(let c, _, _),
            .ticker(let c, _, _), .fundingTicker(let c, _, _), .tradesSnapshot(let c, _, _), .trade(let c, _, _, _),
            .fundingTradesSnapshot(let c, _, _), .fundingTrade(let c, _, _, _), .candlesSnapshot(let c, _, _),
            .candleUpdate(let c, _, _), .derivStatus(let c, _, _), .liquidations(let c, _, _), .unknownChannel(let c, _):
            return c
        case .user: return 0
        case .event, .unknown: return nil
        }
    }

    /// The SEQ/TIMESTAMP metadata of a data frame (`.none` for events).
    public var meta: FrameMeta {
        switch self {
        case .heartbeat(_, let m), .checksum(_, _, let m), .bookSnapshot(_, _, let m), .bookUpdate(_, _, let m),
            .bookUpdates(_, _, let m), .rawBookSnapshot(_, _, let m), .rawBookUpdate(_, _, let m), .rawBookUpdates(_, _, let m),
            .ticker(_, _, let m), .fundingTicker(_, _, let m), .tradesSnapshot(_, _, let m), .trade(_, _, _, let m),
            .fundingTradesSnapshot(_, _, let m), .fundingTrade(_, _, _, let m), .candlesSnapshot(_, _, let m),
            .candleUpdate(_, _, let m), .derivStatus(_, _, let m), .liquidations(_, _, let m), .user(_, let m):
            return m
        case .event, .unknown, .unknownChannel: return .none
        }
    }
}
