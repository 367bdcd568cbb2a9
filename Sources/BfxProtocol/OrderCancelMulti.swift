/// A multi-cancel (`oc_multi` input).
public enum OrderCancelMulti: Sendable, Hashable {
    /// `{"id":[…]}`
    case ids([Int64])
    /// `{"cid":[[CID,"YYYY-MM-DD"],…]}`
    case cids([(cid: Int64, date: String)])
    /// `{"gid":[…]}`
    case gids([Int64])
    /// `{"all":1}`: every trading and derivatives order.
    case all

    /// The JSON object payload.
    public var payload: JSONValue {
        switch self {
        case .ids(let ids): return ["id": .array(ids.map { .number(WireNumber($0)) })]
        case .cids(let cids): return ["cid": .array(cids.map { .array([.number(WireNumber($0.cid)), .string($0.date)]) })]
        case .gids(let gids): return ["gid": .array(gids.map { .number(WireNumber($0)) })]
        case .all: return ["all": 1]
        }
    }

    /// Two requests are equal when they send the same payload (same ids, cids or groups in the same
    /// order).
    public static func == (a: OrderCancelMulti, b: OrderCancelMulti) -> Bool { a.payload == b.payload }
    /// Hashes the payload that is sent, consistently with `==`.
    public func hash(into h: inout Hasher) { h.combine(payload) }
}
