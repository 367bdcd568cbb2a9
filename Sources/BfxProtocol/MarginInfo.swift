/// Margin info (channel 0 `miu`): account-wide `base` or per-symbol `sym`.
public enum MarginInfo: Sendable, Hashable {
    /// `["base",[USER_PL,USER_SWAPS,MARGIN_BALANCE,MARGIN_NET,MARGIN_MIN]]`
    case base(userPL: WireNumber?, userSwaps: WireNumber?, marginBalance: WireNumber?, marginNet: WireNumber?, marginMin: WireNumber?)
    /// `["sym",SYMBOL,[TRADABLE_BALANCE,GROSS_BALANCE,BUY,SELL]]`
    case symbol(String, tradableBalance: WireNumber?, grossBalance: WireNumber?, buy: WireNumber?, sell: WireNumber?)

    /// Decodes a `miu` payload.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "MarginInfo")
        switch try r.string(0, "kind") {
        case "base":
            let d = try RowReader(r.value(1) ?? .null, model: "MarginInfo.base")
            self = .base(userPL: try d.optNumber(0, "userPL"), userSwaps: try d.optNumber(1, "userSwaps"),
                         marginBalance: try d.optNumber(2, "marginBalance"), marginNet: try d.optNumber(3, "marginNet"),
                         marginMin: try d.optNumber(4, "marginMin"))
        case "sym":
            let symbol = try r.string(1, "symbol")
            let d = try RowReader(r.value(2) ?? .null, model: "MarginInfo.sym")
            self = .symbol(symbol, tradableBalance: try d.optNumber(0, "tradableBalance"), grossBalance: try d.optNumber(1, "grossBalance"),
                           buy: try d.optNumber(2, "buy"), sell: try d.optNumber(3, "sell"))
        default:
            throw r.fail(0, "kind", "\"base\" or \"sym\"")
        }
    }

    /// The wire payload.
    public var row: JSONValue {
        func n(_ v: WireNumber?) -> JSONValue { v.map { .number($0) } ?? .null }
        switch self {
        case let .base(a, b, c, d, e): return .array(["base", .array([n(a), n(b), n(c), n(d), n(e)])])
        case let .symbol(s, a, b, c, d): return .array(["sym", .string(s), .array([n(a), n(b), n(c), n(d)])])
        }
    }
}
