/// What a public subscription is for; equal keys on one connection are "already subscribed"
/// (10301), and equal keys across connections share one published stream (and one `BookView`).
enum ChannelKey: Hashable, Sendable {
    case ticker(String)
    case trades(String)
    /// precision nil = R0; frequency "F0"/"F1".
    case book(symbol: String, precision: Int?, length: Int, frequency: String)
    case candles(key: String, symbol: String, timeframe: Timeframe)
    case status(String)

    var symbol: String? {
        switch self {
        case .ticker(let s), .trades(let s): s
        case .book(let s, _, _, _): s
        case .candles(_, let s, _): s
        case .status: nil
        }
    }

    var channelName: String {
        switch self {
        case .ticker: "ticker"
        case .trades: "trades"
        case .book: "book"
        case .candles: "candles"
        case .status: "status"
        }
    }

    /// The channel's short name, as bfxkit's `ChannelSpec` prints it (`book:tBTCUSD:P0:F0:25`).
    var label: String {
        switch self {
        case .ticker(let s): "ticker:\(s)"
        case .trades(let s): "trades:\(s)"
        case .book(let s, let p?, let l, let f): "book:\(s):P\(p):\(f):\(l)"
        case .book(let s, nil, let l, _): "book:\(s):R0:\(l)"
        case .candles(let k, _, _): "candles:\(k)"
        case .status(let k): "status:\(k)"
        }
    }
}
