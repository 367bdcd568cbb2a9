/// The simulator's own view of a book, as a subscriber with the same parameters would hold it
/// (`BfxSimulator.book(...)`, `GET /_sim/book/SYMBOL`). Numbers are the exact wire text.
public struct SimulatorBook: Sendable, Equatable {
    /// One row.
    public struct Entry: Sendable, Equatable {
        /// Order id (R0 only).
        public var id: Int64?
        /// Price (or funding rate) wire text.
        public var price: String
        /// Funding period (funding books only).
        public var period: Int?
        /// Number of orders (P books only).
        public var count: Int?
        /// Signed amount wire text (trading: > 0 bid; funding: < 0 bid).
        public var amount: String
    }

    /// Bids, best first.
    public var bids: [Entry]
    /// Asks, best first.
    public var asks: [Entry]
    /// Checksum of the top 25 per side, as the `cs` message would carry it.
    public var checksum: Int32
    /// The checksum input string (for diagnostics).
    public var checksumInput: String
}

extension SimBook.Row {
    var publicEntry: SimulatorBook.Entry {
        switch self {
        case .level(let price, let period, let count, let amount):
            SimulatorBook.Entry(id: nil, price: price.jsText, period: period, count: count, amount: amount.jsText)
        case .raw(let id, let price, let period, let amount):
            SimulatorBook.Entry(id: id, price: price.jsText, period: period, count: nil, amount: amount.jsText)
        }
    }
}
