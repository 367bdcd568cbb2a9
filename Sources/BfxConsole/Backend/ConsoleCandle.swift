import BfxProtocol

/// One candle.
public struct ConsoleCandle: ConsoleRecord, Sendable, Equatable {
    /// Millisecond timestamp of the candle start.
    public var mts: Int64
    /// First trade price of the interval (exact wire text).
    public var open: String
    /// Last trade price of the interval so far (exact wire text).
    public var close: String
    /// Highest trade price of the interval (exact wire text).
    public var high: String
    /// Lowest trade price of the interval (exact wire text).
    public var low: String
    /// Traded base-currency amount in the interval (exact wire text).
    public var volume: String

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(mts: Int64, open: String, close: String, high: String, low: String, volume: String) {
        self.mts = mts
        self.open = open
        self.close = close
        self.high = high
        self.low = low
        self.volume = volume
    }

    /// Column names in display order.
    public static let columns: [String] = ["mts", "open", "close", "high", "low", "volume"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("mts", .int(mts)),
            JSONObject.Member("open", .string(open)),
            JSONObject.Member("close", .string(close)),
            JSONObject.Member("high", .string(high)),
            JSONObject.Member("low", .string(low)),
            JSONObject.Member("volume", .string(volume)),
        ]
    }
}
