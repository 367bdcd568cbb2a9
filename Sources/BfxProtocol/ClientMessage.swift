/// A client → server message parsed from its JSON text; the inverse of ``BfxRequest``, used by
/// the simulator to understand requests. Unknown events/inputs are returned, not thrown.
public enum ClientMessage: Sendable, Hashable {
    /// `subscribe` with every parameter.
    case subscribe(SubscribeRequest)
    /// Leave the channel with this server-assigned `chanId`.
    case unsubscribe(chanId: Int64)
    /// Set connection flags (checksum, sequence numbers, timestamps, bulk); resent after every reconnect.
    case conf(ConfFlags)
    /// Liveness probe; the server answers with a `pong` echoing `cid`.
    case ping(cid: Int64?)
    /// Authenticate the connection with a signed `AUTH<nonce>` payload (opens channel 0).
    case auth(AuthRequest)
    /// `[0,"on",null,{…}]`
    case newOrder(NewOrder)
    /// `[0,"ou",null,{…}]`
    case updateOrder(OrderUpdate)
    /// `[0,"oc",null,{…}]`
    case cancelOrder(OrderCancel)
    /// `[0,"oc_multi",null,{…}]`
    case cancelOrders(OrderCancelMulti)
    /// `[0,"ox_multi",null,[…]]`
    case multiOp([OrderOperation])
    /// `[0,"calc",null,[[…],…]]`
    case calc([String])
    /// `[0,"fon",null,{…}]`
    case newFundingOffer(NewFundingOffer)
    /// `[0,"foc",null,{"id":…}]`
    case cancelFundingOffer(id: Int64)
    /// An event name this version does not know.
    case unknownEvent(name: String, JSONObject)
    /// A channel-0 input this version does not know (e.g. `n` custom notifications).
    case unknownInput(abbreviation: String, JSONValue)

    /// Parses one client message. Throws ``FrameDecodingError`` for malformed JSON or fields of
    /// the wrong type (e.g. `amount` that is not a decimal).
    public static func parse(_ bytes: some Collection<UInt8>) throws(FrameDecodingError) -> ClientMessage {
        let frame = Array(bytes)
        let value = try JSONValue.parse(frame)
        do throws(FrameDecodingError) {
            return try parse(value)
        } catch {
            throw FrameDecodingError(reason: error.reason, offset: error.offset, frame: frame)
        }
    }

    /// Parses a client message from text.
    public static func parse(_ text: String) throws(FrameDecodingError) -> ClientMessage {
        try parse(Array(text.utf8))
    }

    static func field(_ name: String, _ expected: String) -> FrameDecodingError {
        FrameDecodingError(reason: .invalidField(name: name, expected: expected), offset: -1, frame: [])
    }

    /// Interprets a parsed JSON value.
    public static func parse(_ value: JSONValue) throws(FrameDecodingError) -> ClientMessage {
        if let o = value.object {
            guard let name = o["event"]?.string else { throw field("event", "string") }
            switch name {
            case "subscribe":
                guard let channel = o["channel"]?.string else { throw field("channel", "string") }
                return .subscribe(SubscribeRequest(channel: channel, symbol: o["symbol"]?.string, prec: FrameDecoder.text(o["prec"]),
                                                   freq: FrameDecoder.text(o["freq"]), len: FrameDecoder.text(o["len"]),
                                                   key: o["key"]?.string, subId: o["subId"]))
            case "unsubscribe":
                guard let id = o["chanId"]?.int64 else { throw field("chanId", "integer") }
                return .unsubscribe(chanId: id)
            case "conf":
                guard let flags = o["flags"]?.int64 else { throw field("flags", "integer") }
                return .conf(ConfFlags(rawValue: flags))
            case "ping":
                return .ping(cid: o["cid"]?.int64)
            case "auth":
                guard let apiKey = o["apiKey"]?.string else { throw field("apiKey", "string") }
                guard let sig = o["authSig"]?.string else { throw field("authSig", "string") }
                guard let payload = o["authPayload"]?.string else { throw field("authPayload", "string") }
                let nonce: Int64?
                switch o["authNonce"] {
                case .number(let n)?: nonce = n.int64
                case .string(let s)?: nonce = Int64(s)
                default: nonce = nil
                }
                guard let nonce else { throw field("authNonce", "integer or numeric string") }
                let filter = try o["filter"]?.array.map { (a) throws(FrameDecodingError) -> [String] in
                    var out: [String] = []
                    for v in a {
                        guard let s = v.string else { throw field("filter", "array of strings") }
                        out.append(s)
                    }
                    return out
                }
                return .auth(AuthRequest(apiKey: apiKey, authSig: sig, authNonce: nonce, authPayload: payload,
                                         dms: o["dms"]?.int, filter: filter, calc: o["calc"]?.int))
            default:
                return .unknownEvent(name: name, o)
            }
        }
        guard let a = value.array, a.count >= 4, a[0].int64 == 0, let abbr = a[1].string else {
            throw FrameDecodingError(reason: .unexpectedShape("client message must be an event object or [0,TYPE,null,PAYLOAD]"), offset: -1, frame: [])
        }
        let payload = a[3]
        switch abbr {
        case "on": return .newOrder(try NewOrder(payload: payload))
        case "ou": return .updateOrder(try OrderUpdate(payload: payload))
        case "oc": return .cancelOrder(try OrderCancel(payload: payload))
        case "oc_multi": return .cancelOrders(try OrderCancelMulti(payload: payload))
        case "ox_multi":
            guard let ops = payload.array else { throw field("ox_multi", "array of operations") }
            var out: [OrderOperation] = []
            for op in ops {
                guard let pair = op.array, pair.count >= 2, let kind = pair[0].string else { throw field("ox_multi[]", "[abbr, payload]") }
                switch kind {
                case "on": out.append(.new(try NewOrder(payload: pair[1])))
                case "ou": out.append(.update(try OrderUpdate(payload: pair[1])))
                case "oc": out.append(.cancel(try OrderCancel(payload: pair[1])))
                case "oc_multi": out.append(.cancelMulti(try OrderCancelMulti(payload: pair[1])))
                default: throw field("ox_multi[].abbr", "on, ou, oc or oc_multi")
                }
            }
            return .multiOp(out)
        case "calc":
            guard let rows = payload.array else { throw field("calc", "array") }
            var out: [String] = []
            for r in rows {
                guard let s = r[0]?.string else { throw field("calc[]", "[string]") }
                out.append(s)
            }
            return .calc(out)
        case "fon": return .newFundingOffer(try NewFundingOffer(payload: payload))
        case "foc":
            guard let id = payload["id"]?.int64 else { throw field("foc.id", "integer") }
            return .cancelFundingOffer(id: id)
        default:
            return .unknownInput(abbreviation: abbr, payload)
        }
    }
}
