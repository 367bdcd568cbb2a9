import Foundation

/// Everything a runtime knows, in one Codable value (`/api/state`, `--once`, console `dump`).
public struct RuntimeSnapshot: Sendable, Codable {
    /// When taken.
    public var takenAt: Date
    /// Overall status.
    public var status: RuntimeStatus
    /// Every pooled WebSocket connection with its state and counters.
    public var connections: [ConnectionInfo]
    /// Every subscription with its state, message and integrity counters.
    public var channels: [ChannelInfo]
    /// Books (top `output.book_depth` levels… or the requested depth).
    public var books: [BookView]
    /// Latest ticker per subscribed symbol.
    public var tickers: [TickerView]
    /// Recent trades, newest first, per symbol.
    public var trades: [TradeView]
    /// Latest candle per key.
    public var candles: [CandleView]
    /// Nonce usage per key.
    public var nonces: [NonceKeyStats]
    /// Queue depths.
    public var queues: [QueueView]
    /// Alert states.
    public var alerts: [AlertView]
    /// Integrity counters.
    public var integrity: [String: Int]
    /// Time series for the dashboard.
    public var history: [HistoryPoint]
    /// Authenticated user-data streams (nil in dumps from before they existed).
    public var userData: [UserDataView]? = nil
    /// Account state (wallets, open orders) per user-data stream (nil in older dumps).
    public var accounts: [AccountView]? = nil
    /// The gateway (`gateway:`): where it listens, its local clients and shared channels.
    public var gateway: GatewayStatus? = nil
}

/// One sample of the dashboard's time series.
public struct HistoryPoint: Sendable, Hashable, Codable {
    /// Seconds since start.
    public var t: Double
    /// Channel messages per second.
    public var messagesPerSecond: Double
    /// Nonces issued per second (all keys).
    public var noncesPerSecond: Double
    /// Total nonce queue depth.
    public var queueDepth: Int
    /// Connections connected.
    public var connected: Int
    /// Alert rules firing at the time of the sample.
    public var alertsFiring: Int
}
