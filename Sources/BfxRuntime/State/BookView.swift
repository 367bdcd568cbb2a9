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
    /// Book changes applied.
    public var updates: Int
    /// When the last change arrived.
    public var updatedAt: Date?
}
