import Foundation

/// The top of one order book.
public struct BookView: Sendable, Hashable, Codable {
    /// One price level (or one order for raw books).
    public struct Level: Sendable, Hashable, Codable {
        /// Price (exact wire text).
        public var price: String
        /// Orders at this level (raw books: the order id).
        public var count: Int64
        /// Absolute amount (exact wire text, sign removed).
        public var amount: String
    }

    /// Trading or funding symbol of the book, e.g. `tBTCUSD`.
    public var symbol: String
    /// Precision (`P0`…`P4`, `R0`).
    public var prec: String
    /// Best bids first.
    public var bids: [Level]
    /// Best asks first.
    public var asks: [Level]
    /// Checksums verified on this book.
    public var checksumsVerified: Int
    /// The result of the last checksum comparison the client reported for this book: `true` after
    /// a verified `cs`, `false` after a mismatch (or any resync) until a checksum matches on the
    /// rebuilt book, `nil` when no checksum was verified yet or checksums are off
    /// (`websocket.checksum: false`). In `/api/state` the key is absent when `nil`.
    public var checksumOK: Bool?
    /// Book changes applied.
    public var updates: Int
    /// When the last change arrived.
    public var updatedAt: Date?
}
