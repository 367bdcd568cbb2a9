/// What to subscribe to: a public channel with all of its parameters. The same value is used to
/// resubscribe after every reconnect or integrity resync, so no parameter is ever lost.
public enum ChannelSpec: Sendable, Hashable, CustomStringConvertible {
    /// Aggregated book precision (P0 = 5 significant digits … P4 = 1).
    public enum Precision: String, Sendable, Hashable, CaseIterable {
        /// 5 significant digits.
        case p0 = "P0"
        /// 4 significant digits.
        case p1 = "P1"
        /// 3 significant digits.
        case p2 = "P2"
        /// 2 significant digits.
        case p3 = "P3"
        /// 1 significant digit.
        case p4 = "P4"
    }

    /// Book update frequency.
    public enum Frequency: String, Sendable, Hashable, CaseIterable {
        /// Real time.
        case f0 = "F0"
        /// Throttled (documented as every 2 s).
        case f1 = "F1"
    }

    /// `ticker` for a trading (`tBTCUSD`) or funding (`fUSD`) symbol.
    case ticker(String)
    /// `trades` for a symbol (te/tu, fte/ftu).
    case trades(String)
    /// Aggregated `book` with precision, frequency and length (levels per side: 1, 25, 100, 250).
    case book(String, precision: Precision = .p0, frequency: Frequency = .f0, length: Int = 25)
    /// Raw (`R0`) book, `length` orders per side (1, 25, 100).
    case rawBook(String, length: Int = 25)
    /// `candles` for a key such as `trade:1m:tBTCUSD`.
    case candles(String)
    /// `status` for a key such as `deriv:tBTCF0:USTF0` or `liq:global`.
    case status(String)

    /// The Bitfinex channel name.
    public var channelName: String {
        switch self {
        case .ticker: "ticker"
        case .trades: "trades"
        case .book, .rawBook: "book"
        case .candles: "candles"
        case .status: "status"
        }
    }

    /// The symbol or key that identifies the stream.
    public var symbolOrKey: String {
        switch self {
        case .ticker(let s), .trades(let s), .book(let s, _, _, _), .rawBook(let s, _), .candles(let s), .status(let s): s
        }
    }

    /// Whether the channel carries an order book (checksummed, rebuilt on resubscribe).
    public var isBook: Bool {
        switch self {
        case .book, .rawBook: true
        default: false
        }
    }

    /// Whether the stream is for a funding currency (`fUSD`, …) rather than a trading pair: its
    /// symbol starts with `f` (candles and status keys are never funding).
    public var isFunding: Bool {
        switch self {
        case .ticker(let s), .trades(let s), .book(let s, _, _, _), .rawBook(let s, _): s.hasPrefix("f")
        case .candles, .status: false
        }
    }

    /// Short human form, e.g. `book:tBTCUSD:P0:F0:25`.
    public var description: String {
        switch self {
        case .ticker(let s): "ticker:\(s)"
        case .trades(let s): "trades:\(s)"
        case .book(let s, let p, let f, let l): "book:\(s):\(p.rawValue):\(f.rawValue):\(l)"
        case .rawBook(let s, let l): "book:\(s):R0:\(l)"
        case .candles(let k): "candles:\(k)"
        case .status(let k): "status:\(k)"
        }
    }
}
