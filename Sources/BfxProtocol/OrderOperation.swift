/// One operation of an `ox_multi` batch.
public enum OrderOperation: Sendable, Hashable {
    /// `["on",{…}]`
    case new(NewOrder)
    /// `["ou",{…}]`
    case update(OrderUpdate)
    /// `["oc",{…}]`
    case cancel(OrderCancel)
    /// `["oc_multi",{…}]`
    case cancelMulti(OrderCancelMulti)

    /// The `[abbr, payload]` pair.
    public var payload: JSONValue {
        switch self {
        case .new(let o): return ["on", o.payload]
        case .update(let u): return ["ou", u.payload]
        case .cancel(let c): return ["oc", c.payload]
        case .cancelMulti(let m): return ["oc_multi", m.payload]
        }
    }
}
