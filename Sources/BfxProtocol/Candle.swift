/// A candle (`candles` channel).
public struct Candle: Sendable, Hashable {
    /// Candle start, ms since epoch. (index 0)
    public var mts: Int64
    /// Open. (index 1)
    public var open: WireNumber
    /// Close. (index 2)
    public var close: WireNumber
    /// High. (index 3)
    public var high: WireNumber
    /// Low. (index 4)
    public var low: WireNumber
    /// Volume. (index 5)
    public var volume: WireNumber

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        mts: Int64,
        open: WireNumber,
        close: WireNumber,
        high: WireNumber,
        low: WireNumber,
        volume: WireNumber
    ) {
        self.mts = mts
        self.open = open
        self.close = close
        self.high = high
        self.low = low
        self.volume = volume
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "Candle")
        mts = try r.int(0, "mts")
        open = try r.number(1, "open")
        close = try r.number(2, "close")
        high = try r.number(3, "high")
        low = try r.number(4, "low")
        volume = try r.number(5, "volume")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 6)
        w.set(0, mts)
        w.set(1, open)
        w.set(2, close)
        w.set(3, high)
        w.set(4, low)
        w.set(5, volume)
        return w.value
    }
}
