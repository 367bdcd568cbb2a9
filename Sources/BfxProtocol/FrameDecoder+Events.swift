extension FrameDecoder {
    /// Renders a JSON string or number as text (for fields like `len` that vary in type).
    static func text(_ v: JSONValue?) -> String? {
        switch v {
        case .string(let s)?: return s
        case .number(let n)?: return n.text
        default: return nil
        }
    }

    mutating func decodeEvent(_ o: JSONObject) throws(FrameDecodingError) -> BfxEvent {
        guard let name = o["event"]?.string else {
            throw FrameDecodingError(reason: .invalidField(name: "event", expected: "string"), offset: -1, frame: [])
        }
        func int(_ key: String) -> Int64? { o[key]?.int64 }
        func code() -> BfxErrorCode? { int("code").map { BfxErrorCode(Int(truncatingIfNeeded: $0)) } }
        switch name {
        case "info":
            return .info(InfoEvent(version: int("version"), serverId: o["serverId"]?.string,
                                   platformStatus: o["platform"]?["status"]?.int64, code: code(), message: o["msg"]?.string))
        case "conf":
            return .conf(ConfEvent(status: o["status"]?.string, flags: int("flags").map(ConfFlags.init(rawValue:))))
        case "subscribed":
            guard let channel = o["channel"]?.string else {
                throw FrameDecodingError(reason: .invalidField(name: "subscribed.channel", expected: "string"), offset: -1, frame: [])
            }
            guard let chanId = int("chanId") else {
                throw FrameDecodingError(reason: .invalidField(name: "subscribed.chanId", expected: "integer"), offset: -1, frame: [])
            }
            let event = SubscribedEvent(channel: channel, chanId: chanId, symbol: o["symbol"]?.string, pair: o["pair"]?.string,
                                        currency: o["currency"]?.string, prec: FrameDecoder.text(o["prec"]), freq: FrameDecoder.text(o["freq"]),
                                        len: FrameDecoder.text(o["len"]), key: o["key"]?.string, subId: o["subId"])
            if let kind = ChannelKind(subscribed: event) { register(chanId: chanId, kind: kind) }
            return .subscribed(event)
        case "unsubscribed":
            guard let chanId = int("chanId") else {
                throw FrameDecodingError(reason: .invalidField(name: "unsubscribed.chanId", expected: "integer"), offset: -1, frame: [])
            }
            if o["status"]?.string == nil || o["status"]?.string == "OK" { unregister(chanId: chanId) }
            return .unsubscribed(UnsubscribedEvent(status: o["status"]?.string, chanId: chanId))
        case "error":
            let extra = JSONObject(o.members.filter { $0.key != "event" && $0.key != "msg" && $0.key != "code" })
            return .error(ErrorEvent(code: code(), message: o["msg"]?.string ?? "", fields: extra))
        case "auth":
            return .auth(AuthEvent(status: o["status"]?.string ?? "", chanId: int("chanId"), userId: int("userId"),
                                   authId: o["auth_id"]?.string, caps: o["caps"], code: code(), message: o["msg"]?.string))
        case "pong":
            return .pong(PongEvent(ts: int("ts"), cid: int("cid")))
        default:
            return .unknown(name: name, o)
        }
    }
}
