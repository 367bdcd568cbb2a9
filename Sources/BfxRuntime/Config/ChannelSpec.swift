/// One channel subscription as declared in the config or requested from the console.
public enum ChannelSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `ticker` for a trading (`tBTCUSD`) or funding (`fUSD`) symbol.
    case ticker(symbol: String)
    /// `trades` for a symbol.
    case trades(symbol: String)
    /// Aggregated `book` (prec P0–P4, freq F0/F1, len per side).
    case book(symbol: String, prec: String, freq: String, len: Int)
    /// Raw book (`prec: R0`).
    case rawBook(symbol: String, len: Int)
    /// `candles` with a key such as `trade:1m:tBTCUSD`.
    case candles(key: String)
    /// `status` with a key such as `deriv:tBTCF0:USTF0` or `liq:global`.
    case status(key: String)

    /// The Bitfinex channel name.
    public var channel: String {
        switch self {
        case .ticker: return "ticker"
        case .trades: return "trades"
        case .book, .rawBook: return "book"
        case .candles: return "candles"
        case .status: return "status"
        }
    }

    /// The symbol (or key for candles/status).
    public var target: String {
        switch self {
        case .ticker(let s), .trades(let s), .book(let s, _, _, _), .rawBook(let s, _): return s
        case .candles(let k), .status(let k): return k
        }
    }

    /// Short form used by the console and logs: `book:tBTCUSD:P0:F0:25`.
    public var description: String {
        switch self {
        case .ticker(let s): return "ticker:\(s)"
        case .trades(let s): return "trades:\(s)"
        case .book(let s, let p, let f, let l): return "book:\(s):\(p):\(f):\(l)"
        case .rawBook(let s, let l): return "rawbook:\(s):\(l)"
        case .candles(let k): return "candles:\(k)"
        case .status(let k): return "status:\(k)"
        }
    }

    /// Parses the short form (`ticker:tBTCUSD`, `book:tBTCUSD[:P0[:F0[:25]]]`, `rawbook:tBTCUSD[:25]`,
    /// `candles:trade:1m:tBTCUSD`, `status:deriv:tBTCF0:USTF0`). Throws a message on bad input.
    public static func parse(_ text: String) throws(ChannelSpecError) -> ChannelSpec {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let kind = parts.first?.lowercased() else {
            throw ChannelSpecError(message: "expected CHANNEL:SYMBOL, e.g. ticker:tBTCUSD, got '\(text)'")
        }
        let rest = parts.dropFirst().joined(separator: ":")
        let spec: ChannelSpec
        switch kind {
        case "ticker": spec = .ticker(symbol: rest)
        case "trades": spec = .trades(symbol: rest)
        case "book":
            let prec = parts.count > 2 ? parts[2] : "P0"
            if prec == "R0" {
                spec = .rawBook(symbol: parts[1], len: parts.count > 3 ? Int(parts[3]) ?? -1 : 25)
            } else {
                spec = .book(symbol: parts[1], prec: prec, freq: parts.count > 3 ? parts[3] : "F0", len: parts.count > 4 ? Int(parts[4]) ?? -1 : 25)
            }
        case "rawbook": spec = .rawBook(symbol: parts[1], len: parts.count > 2 ? Int(parts[2]) ?? -1 : 25)
        case "candles": spec = .candles(key: rest)
        case "status": spec = .status(key: rest)
        default:
            throw ChannelSpecError(message: "unknown channel '\(kind)'; use ticker, trades, book, rawbook, candles or status")
        }
        if let problem = spec.validationProblem { throw ChannelSpecError(message: problem) }
        return spec
    }

    /// Allowed book precisions (aggregated).
    public static let bookPrecisions = ["P0", "P1", "P2", "P3", "P4"]
    /// Allowed book frequencies.
    public static let bookFrequencies = ["F0", "F1"]
    /// Allowed aggregated book lengths.
    public static let bookLengths = [1, 25, 100, 250]
    /// Allowed raw book lengths.
    public static let rawBookLengths = [1, 25, 100]
    /// Timeframes accepted in a candle key `trade:<timeframe>:<symbol>` (`bfxrun check` rejects others).
    public static let candleTimeframes = ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1D", "1W", "7D", "14D", "1M"]

    /// Why this spec is invalid, or nil.
    public var validationProblem: String? {
        func symbolProblem(_ s: String) -> String? {
            guard let first = s.first, first == "t" || first == "f", s.count >= 3,
                  s.dropFirst().allSatisfy({ $0.isUppercase || $0.isNumber || $0 == ":" }) else {
                return "symbol '\(s)' must be t + PAIR (tBTCUSD) or f + CURRENCY (fUSD), uppercase"
            }
            return nil
        }
        switch self {
        case .ticker(let s), .trades(let s): return symbolProblem(s)
        case .book(let s, let p, let f, let l):
            if let problem = symbolProblem(s) { return problem }
            if !Self.bookPrecisions.contains(p) { return "prec '\(p)' is not one of P0, P1, P2, P3, P4, R0" }
            if !Self.bookFrequencies.contains(f) { return "freq '\(f)' is not one of F0, F1" }
            if !Self.bookLengths.contains(l) { return "len \(l) is not one of 1, 25, 100, 250" }
            return nil
        case .rawBook(let s, let l):
            if let problem = symbolProblem(s) { return problem }
            if !Self.rawBookLengths.contains(l) { return "len \(l) is not one of 1, 25, 100 for raw books" }
            return nil
        case .candles(let k):
            let parts = k.split(separator: ":").map(String.init)
            guard parts.count >= 3, parts[0] == "trade", Self.candleTimeframes.contains(parts[1]) else {
                return "candles key '\(k)' must be trade:TIMEFRAME:SYMBOL, e.g. trade:1m:tBTCUSD (timeframes: \(Self.candleTimeframes.joined(separator: " ")))"
            }
            return symbolProblem(parts[2])
        case .status(let k):
            guard k.hasPrefix("deriv:") || k.hasPrefix("liq:") else {
                return "status key '\(k)' must start with deriv: or liq: (e.g. deriv:tBTCF0:USTF0, liq:global)"
            }
            return nil
        }
    }

    private enum CodingKeys: String, CodingKey { case channel, symbol, prec, freq, len, key }

    /// Decodes the config/JSON mapping form.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let channel = try c.decode(String.self, forKey: .channel)
        switch channel {
        case "ticker": self = .ticker(symbol: try c.decode(String.self, forKey: .symbol))
        case "trades": self = .trades(symbol: try c.decode(String.self, forKey: .symbol))
        case "book":
            let prec = try c.decodeIfPresent(String.self, forKey: .prec) ?? "P0"
            let len = try c.decodeIfPresent(Int.self, forKey: .len) ?? 25
            if prec == "R0" {
                self = .rawBook(symbol: try c.decode(String.self, forKey: .symbol), len: len)
            } else {
                self = .book(symbol: try c.decode(String.self, forKey: .symbol), prec: prec,
                             freq: try c.decodeIfPresent(String.self, forKey: .freq) ?? "F0", len: len)
            }
        case "candles": self = .candles(key: try c.decode(String.self, forKey: .key))
        case "status": self = .status(key: try c.decode(String.self, forKey: .key))
        default:
            throw DecodingError.dataCorruptedError(forKey: .channel, in: c, debugDescription: "unknown channel \(channel)")
        }
    }

    /// Encodes the mapping form used in the config file.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(channel, forKey: .channel)
        switch self {
        case .ticker(let s), .trades(let s): try c.encode(s, forKey: .symbol)
        case .book(let s, let p, let f, let l):
            try c.encode(s, forKey: .symbol); try c.encode(p, forKey: .prec); try c.encode(f, forKey: .freq); try c.encode(l, forKey: .len)
        case .rawBook(let s, let l):
            try c.encode(s, forKey: .symbol); try c.encode("R0", forKey: .prec); try c.encode(l, forKey: .len)
        case .candles(let k), .status(let k): try c.encode(k, forKey: .key)
        }
    }
}

/// A channel spec that could not be parsed or is invalid.
public struct ChannelSpecError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what is allowed.
    public var message: String
    /// The message.
    public var description: String { message }
}
