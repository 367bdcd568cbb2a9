import BfxProtocol

/// One candle.
public struct ConsoleCandle: ConsoleRecord, Sendable, Equatable {
    /// Millisecond timestamp of the candle start.
    public var mts: Int64
    /// Open.
    public var open: String
    /// Close.
    public var close: String
    /// High.
    public var high: String
    /// Low.
    public var low: String
    /// Volume.
    public var volume: String

    /// Creates the value.
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
