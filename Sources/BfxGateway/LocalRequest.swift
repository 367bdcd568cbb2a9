import BfxClient
import BfxProtocol

/// Validation of a local `subscribe` request, with the error codes Bitfinex answers.
enum LocalRequest {
    struct Failure: Error, Equatable {
        let code: Int
        let msg: String
    }

    /// The channel a `subscribe` asks for, or Bitfinex's error for it: 10302 unknown channel,
    /// 10011 bad precision, 10012 bad length, 10001 bad symbol or key, 10300 anything else.
    static func channelSpec(_ request: JSONObject) -> Result<ChannelSpec, Failure> {
        guard let channel = request["channel"]?.string else { return .failure(Failure(code: 10300, msg: "subscribe: channel missing")) }
        guard ["ticker", "trades", "book", "candles", "status"].contains(channel) else {
            return .failure(Failure(code: 10302, msg: "channel: unknown"))
        }
        let prec = text(request["prec"])
        let freq = text(request["freq"])
        let lenText = text(request["len"])
        var symbol = request["symbol"]?.string
        let key = request["key"]?.string
        if channel == "book" {
            if let prec, !["P0", "P1", "P2", "P3", "P4", "R0"].contains(prec) { return .failure(Failure(code: 10011, msg: "book: prec invalid")) }
            if let freq, !["F0", "F1"].contains(freq) { return .failure(Failure(code: 10300, msg: "book: freq invalid")) }
            let lengths = prec == "R0" ? ChannelSpec.rawBookLengths : ChannelSpec.bookLengths
            if let lenText, Int(lenText).map({ !lengths.contains($0) }) ?? true { return .failure(Failure(code: 10012, msg: "book: len invalid")) }
        }
        // Bitfinex also accepts `pair` (trading) for ticker/trades/book; `symbol` wins.
        if symbol == nil, ["ticker", "trades", "book"].contains(channel), let pair = request["pair"]?.string { symbol = "t" + pair }
        do {
            let isRaw = channel == "book" && prec == "R0"
            return .success(try ChannelSpec.make(
                channel: channel, symbol: symbol, key: key,
                prec: channel == "book" ? prec : nil,
                freq: isRaw ? nil : (channel == "book" ? freq : nil),
                len: channel == "book" ? lenText.flatMap { Int($0) } : nil))
        } catch {
            let code = (symbol != nil || key != nil) ? 10001 : 10300
            return .failure(Failure(code: code, msg: code == 10001 ? "symbol: invalid" : "subscribe: \(error.message)"))
        }
    }

    /// A string or number field as text (`len` may come as `25` or `"25"`).
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: s
        case .number(let n)?: n.text
        default: nil
        }
    }
}
