import BfxProtocol

/// An order book view: the top levels of both sides.
public struct ConsoleBook: Sendable, Equatable {
    /// Symbol, e.g. `tBTCUSD`.
    public var symbol: String
    /// Precision (`P0`…`P4`, `R0`).
    public var precision: String
    /// Bids, best first.
    public var bids: [ConsoleBookLevel]
    /// Asks, best first.
    public var asks: [ConsoleBookLevel]
    /// The result of the last checksum comparison: `true` matched; `false` a mismatch (or resync)
    /// and no checksum has matched on the rebuilt book yet (shown as `MISMATCH`); `nil` no checksum
    /// verified yet, or checksums are off (shown as `pending`).
    public var checksumOK: Bool?
    /// Checksum mismatches counted since subscription.
    public var checksumMismatches: Int

    /// A book view for the console; `checksumOK` defaults to `nil` (no checksum verified yet)
    /// and `checksumMismatches` to 0.
    public init(symbol: String, precision: String, bids: [ConsoleBookLevel], asks: [ConsoleBookLevel], checksumOK: Bool? = nil, checksumMismatches: Int = 0) {
        self.symbol = symbol
        self.precision = precision
        self.bids = bids
        self.asks = asks
        self.checksumOK = checksumOK
        self.checksumMismatches = checksumMismatches
    }

    /// The JSON form: `{symbol, prec, checksum_ok, cs_mismatch, bids:[…], asks:[…]}`.
    public var consoleValue: JSONValue {
        .fields([
            JSONObject.Member("symbol", .string(symbol)),
            JSONObject.Member("prec", .string(precision)),
            JSONObject.Member("checksum_ok", checksumOK.map { .bool($0) } ?? .null),
            JSONObject.Member("cs_mismatch", .int(checksumMismatches)),
            JSONObject.Member("bids", .array(bids.map(\.consoleValue))),
            JSONObject.Member("asks", .array(asks.map(\.consoleValue))),
        ])
    }
}
