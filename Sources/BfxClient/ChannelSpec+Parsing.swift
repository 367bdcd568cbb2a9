/// The text and mapping forms of a ``ChannelSpec``: the console's short form
/// (`book:tBTCUSD:P1:F1:100`), YAML/JSON mappings (`{channel: book, symbol: tBTCUSD, prec: P1}`),
/// and validation. One type describes a channel everywhere in bfxkit; the runtime's configuration
/// decodes straight into it and rejects what it cannot express instead of defaulting silently.
extension ChannelSpec {
    /// Aggregated book lengths Bitfinex accepts (levels per side).
    public static let bookLengths = [1, 25, 100, 250]
    /// Raw (`R0`) book lengths Bitfinex accepts (orders per side).
    public static let rawBookLengths = [1, 25, 100]
    /// Timeframes accepted in a candle key `trade:<timeframe>:<symbol>`.
    public static let candleTimeframes = ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1D", "1W", "7D", "14D", "1M"]
    /// The short-form channel kinds ``parse(_:)`` accepts (`rawbook` is `book` with `R0`).
    public static let shortFormKinds = ["ticker", "trades", "book", "rawbook", "candles", "status"]

    /// Builds a spec from the fields of a `subscribe` request or a configuration mapping.
    ///
    /// Absent fields take Bitfinex's defaults (`prec` P0, `freq` F0, `len` 25); a present field
    /// that has no meaning for the channel, or a value Bitfinex does not accept, is an error.
    public static func make(channel: String, symbol: String? = nil, key: String? = nil, prec: String? = nil,
                            freq: String? = nil, len: Int? = nil) throws(ChannelSpecError) -> ChannelSpec {
        func need(_ value: String?, _ field: String) throws(ChannelSpecError) -> String {
            guard let value, !value.isEmpty else { throw ChannelSpecError(message: "\(channel) needs '\(field)'") }
            return value
        }
        func reject(_ fields: [(String, Bool)]) throws(ChannelSpecError) {
            let extra = fields.filter(\.1).map(\.0)
            if !extra.isEmpty {
                throw ChannelSpecError(message: "\(channel) does not take \(extra.joined(separator: ", "))")
            }
        }
        let spec: ChannelSpec
        switch channel {
        case "ticker", "trades":
            try reject([("key", key != nil), ("prec", prec != nil), ("freq", freq != nil), ("len", len != nil)])
            let s = try need(symbol, "symbol")
            spec = channel == "ticker" ? .ticker(s) : .trades(s)
        case "book":
            try reject([("key", key != nil)])
            let s = try need(symbol, "symbol")
            let p = prec ?? "P0"
            if p == "R0" {
                try reject([("freq", freq != nil)])
                spec = .rawBook(s, length: len ?? 25)
            } else {
                guard let precision = Precision(rawValue: p) else {
                    throw ChannelSpecError(message: "prec '\(p)' is not one of P0, P1, P2, P3, P4, R0")
                }
                let f = freq ?? "F0"
                guard let frequency = Frequency(rawValue: f) else {
                    throw ChannelSpecError(message: "freq '\(f)' is not one of F0, F1")
                }
                spec = .book(s, precision: precision, frequency: frequency, length: len ?? 25)
            }
        case "candles", "status":
            try reject([("symbol", symbol != nil), ("prec", prec != nil), ("freq", freq != nil), ("len", len != nil)])
            let k = try need(key, "key")
            spec = channel == "candles" ? .candles(k) : .status(k)
        default:
            throw ChannelSpecError(message: "unknown channel '\(channel)'; use ticker, trades, book, candles or status")
        }
        if let problem = spec.validationProblem { throw ChannelSpecError(message: problem) }
        return spec
    }

    /// Parses the short form: `ticker:tBTCUSD`, `trades:fUSD`, `book:tBTCUSD[:P0[:F0[:25]]]`,
    /// `book:tBTCUSD:R0[:25]`, `rawbook:tBTCUSD[:25]`, `candles:trade:1m:tBTCUSD`,
    /// `status:deriv:tBTCF0:USTF0` (``description`` prints a form this accepts).
    public static func parse(_ text: String) throws(ChannelSpecError) -> ChannelSpec {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let kind = parts.first?.lowercased(), !parts[1].isEmpty else {
            throw ChannelSpecError(message: "expected CHANNEL:SYMBOL, e.g. ticker:tBTCUSD, got '\(text)'")
        }
        let rest = parts.dropFirst().joined(separator: ":")
        func length(_ index: Int) throws(ChannelSpecError) -> Int? {
            guard parts.count > index else { return nil }
            guard let value = Int(parts[index]) else {
                throw ChannelSpecError(message: "len '\(parts[index])' is not a number")
            }
            return value
        }
        switch kind {
        case "ticker", "trades":
            return try make(channel: kind, symbol: rest)
        case "book":
            let prec = parts.count > 2 ? parts[2] : nil
            if prec == "R0" { return try make(channel: "book", symbol: parts[1], prec: "R0", len: try length(3)) }
            return try make(channel: "book", symbol: parts[1], prec: prec, freq: parts.count > 3 ? parts[3] : nil, len: try length(4))
        case "rawbook":
            return try make(channel: "book", symbol: parts[1], prec: "R0", len: try length(2))
        case "candles", "status":
            return try make(channel: kind, key: rest)
        default:
            throw ChannelSpecError(message: "unknown channel '\(kind)'; use \(shortFormKinds.joined(separator: ", "))")
        }
    }

    /// Why Bitfinex would reject this spec (symbol shape, book length, candle key, status key), or
    /// nil when it is valid.
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
        case .book(let s, _, _, let l):
            if let problem = symbolProblem(s) { return problem }
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

    /// The book precision as Bitfinex writes it (`P0`…`P4`, `R0`), or nil for other channels.
    public var precisionText: String? {
        switch self {
        case .book(_, let p, _, _): p.rawValue
        case .rawBook: "R0"
        default: nil
        }
    }
}

extension ChannelSpec: Codable {
    private enum CodingKeys: String, CodingKey { case channel, symbol, prec, freq, len, key }

    /// Decodes the mapping form `{channel, symbol | key, prec, freq, len}` (``make(channel:symbol:key:prec:freq:len:)``).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let channel = try c.decode(String.self, forKey: .channel)
        let symbol = try c.decodeIfPresent(String.self, forKey: .symbol)
        let key = try c.decodeIfPresent(String.self, forKey: .key)
        let prec = try c.decodeIfPresent(String.self, forKey: .prec)
        let freq = try c.decodeIfPresent(String.self, forKey: .freq)
        let len = try c.decodeIfPresent(Int.self, forKey: .len)
        do {
            self = try Self.make(channel: channel, symbol: symbol, key: key, prec: prec, freq: freq, len: len)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .channel, in: c, debugDescription: error.message)
        }
    }

    /// Encodes the mapping form, every parameter explicit.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(channelName, forKey: .channel)
        switch self {
        case .ticker(let s), .trades(let s): try c.encode(s, forKey: .symbol)
        case .book(let s, let p, let f, let l):
            try c.encode(s, forKey: .symbol); try c.encode(p.rawValue, forKey: .prec)
            try c.encode(f.rawValue, forKey: .freq); try c.encode(l, forKey: .len)
        case .rawBook(let s, let l):
            try c.encode(s, forKey: .symbol); try c.encode("R0", forKey: .prec); try c.encode(l, forKey: .len)
        case .candles(let k), .status(let k): try c.encode(k, forKey: .key)
        }
    }
}

/// A channel spec that could not be parsed, built or validated.
public struct ChannelSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what is allowed.
    public var message: String
    /// Wraps a message.
    public init(message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
