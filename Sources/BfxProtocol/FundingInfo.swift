/// Funding info (channel 0 `fiu`): `["sym",SYMBOL,[YIELD_LOAN,YIELD_LEND,DURATION_LOAN,DURATION_LEND]]`.
public struct FundingInfo: Sendable, Hashable {
    /// Funding symbol, e.g. fUSD.
    public var symbol: String
    /// Yield on loans.
    public var yieldLoan: WireNumber?
    /// Yield on lending.
    public var yieldLend: WireNumber?
    /// Average loan duration.
    public var durationLoan: WireNumber?
    /// Average lending duration.
    public var durationLend: WireNumber?

    /// Builds the `fiu` values of one funding symbol; the yields and durations default to `nil`
    /// (not reported by the server). `FrameDecoder` produces these from frames.
    public init(symbol: String, yieldLoan: WireNumber? = nil, yieldLend: WireNumber? = nil, durationLoan: WireNumber? = nil, durationLend: WireNumber? = nil) {
        self.symbol = symbol
        self.yieldLoan = yieldLoan
        self.yieldLend = yieldLend
        self.durationLoan = durationLoan
        self.durationLend = durationLend
    }

    /// Decodes a `fiu` payload.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "FundingInfo")
        symbol = try r.string(1, "symbol")
        let d = try RowReader(r.value(2) ?? .null, model: "FundingInfo.values")
        yieldLoan = try d.optNumber(0, "yieldLoan")
        yieldLend = try d.optNumber(1, "yieldLend")
        durationLoan = try d.optNumber(2, "durationLoan")
        durationLend = try d.optNumber(3, "durationLend")
    }

    /// The wire payload.
    public var row: JSONValue {
        func n(_ v: WireNumber?) -> JSONValue { v.map { .number($0) } ?? .null }
        return .array(["sym", .string(symbol), .array([n(yieldLoan), n(yieldLend), n(durationLoan), n(durationLend)])])
    }
}
