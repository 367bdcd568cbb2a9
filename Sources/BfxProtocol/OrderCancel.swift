/// An order cancel (`oc` input): by id, or by client id and its UTC date.
public enum OrderCancel: Sendable, Hashable {
    /// `{"id":ID}`
    case id(Int64)
    /// `{"cid":CID,"cid_date":"YYYY-MM-DD"}`
    case cid(Int64, date: String)

    /// The JSON object payload.
    public var payload: JSONValue {
        switch self {
        case .id(let id): return ["id": .number(WireNumber(id))]
        case let .cid(cid, date): return ["cid": .number(WireNumber(cid)), "cid_date": .string(date)]
        }
    }
}
