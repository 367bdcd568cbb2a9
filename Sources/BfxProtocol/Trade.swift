/// A public trade (`trades` channel, trading): amount > 0 means the taker bought.
public struct Trade: Sendable, Hashable {
    /// Trade id. (index 0)
    public var id: Int64
    /// Execution time, ms since epoch. (index 1)
    public var mts: Int64
    /// Amount (+ buy, − sell). (index 2)
    public var amount: WireNumber
    /// Price. (index 3)
    public var price: WireNumber

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        id: Int64,
        mts: Int64,
        amount: WireNumber,
        price: WireNumber
    ) {
        self.id = id
        self.mts = mts
        self.amount = amount
        self.price = price
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "Trade")
        id = try r.int(0, "id")
        mts = try r.int(1, "mts")
        amount = try r.number(2, "amount")
        price = try r.number(3, "price")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 4)
        w.set(0, id)
        w.set(1, mts)
        w.set(2, amount)
        w.set(3, price)
        return w.value
    }
}
