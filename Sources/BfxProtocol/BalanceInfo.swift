/// Balance info (channel 0 `bu`).
public struct BalanceInfo: Sendable, Hashable {
    /// Total assets under management. (index 0)
    public var aum: WireNumber
    /// Net assets. (index 1)
    public var aumNet: WireNumber

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        aum: WireNumber,
        aumNet: WireNumber
    ) {
        self.aum = aum
        self.aumNet = aumNet
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "BalanceInfo")
        aum = try r.number(0, "aum")
        aumNet = try r.number(1, "aumNet")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 2)
        w.set(0, aum)
        w.set(1, aumNet)
        return w.value
    }
}
