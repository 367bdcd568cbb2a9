/// A wallet row (channel 0 `ws/wu`).
public struct Wallet: Sendable, Hashable {
    /// exchange, margin or funding. (index 0)
    public var walletType: String
    /// Currency. (index 1)
    public var currency: String
    /// Balance. (index 2)
    public var balance: WireNumber
    /// Unsettled interest. (index 3)
    public var unsettledInterest: WireNumber?
    /// Available balance (nil if not fresh: request calc). (index 4)
    public var balanceAvailable: WireNumber?
    /// Description of the last change. (index 5)
    public var descriptionText: String?
    /// Meta object. (index 6)
    public var meta: JSONValue?

    /// `FrameDecoder` produces these from frames; call this to build fixtures or values for a
    /// custom decoder. Each parameter sets the property of the same name (units and wire indices
    /// are documented there).
    public init(
        walletType: String,
        currency: String,
        balance: WireNumber,
        unsettledInterest: WireNumber? = nil,
        balanceAvailable: WireNumber? = nil,
        descriptionText: String? = nil,
        meta: JSONValue? = nil
    ) {
        self.walletType = walletType
        self.currency = currency
        self.balance = balance
        self.unsettledInterest = unsettledInterest
        self.balanceAvailable = balanceAvailable
        self.descriptionText = descriptionText
        self.meta = meta
    }

    /// Decodes a wire row; extra trailing fields are ignored.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "Wallet")
        walletType = try r.string(0, "walletType")
        currency = try r.string(1, "currency")
        balance = try r.number(2, "balance")
        unsettledInterest = try r.optNumber(3, "unsettledInterest")
        balanceAvailable = try r.optNumber(4, "balanceAvailable")
        descriptionText = try r.optString(5, "descriptionText")
        meta = try r.optJSON(6, "meta")
    }

    /// The wire row (with `null` placeholders), as the server would send it.
    public var row: JSONValue {
        var w = RowWriter(count: 7)
        w.set(0, walletType)
        w.set(1, currency)
        w.set(2, balance)
        w.set(3, unsettledInterest)
        w.set(4, balanceAvailable)
        w.set(5, descriptionText)
        w.set(6, meta)
        return w.value
    }
}
