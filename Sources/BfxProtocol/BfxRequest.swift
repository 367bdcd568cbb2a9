/// A client → server WebSocket message with its exact JSON text. Build one with the static
/// factories (events: subscribe, unsubscribe, conf, ping, auth; inputs on channel 0: on, ou,
/// oc, oc_multi, ox_multi, calc, fon, foc) and send ``text`` or ``bytes``.
public struct BfxRequest: Sendable, Hashable, CustomStringConvertible {
    /// At most 75 operations per `ox_multi` (D:oxm).
    public static let maxMultiOps = 75
    /// At most 30 entries per `calc` (D:calc).
    public static let maxCalcRequests = 30

    /// The message as JSON.
    public let json: JSONValue

    /// Wraps a JSON message.
    public init(json: JSONValue) {
        self.json = json
    }

    /// Compact JSON text to send.
    public var text: String { json.serialized() }
    /// Compact JSON bytes to send.
    public var bytes: [UInt8] { json.bytes }
    /// The JSON text, except `auth` requests which are summarised without the signature.
    public var description: String {
        if json["event"]?.string == "auth" { return "{\"event\":\"auth\",…}" }
        return text
    }

    // MARK: Events

    /// `{"event":"subscribe","channel":…,"symbol":…,"prec":…,"freq":…,"len":…,"key":…,"subId":…}`
    /// (absent parameters omitted).
    public static func subscribe(channel: String, symbol: String? = nil, prec: String? = nil, freq: String? = nil,
                                 len: String? = nil, key: String? = nil, subId: JSONValue? = nil) -> BfxRequest {
        var o = JSONObject()
        o.append("event", "subscribe")
        o.append("channel", .string(channel))
        if let symbol { o.append("symbol", .string(symbol)) }
        if let prec { o.append("prec", .string(prec)) }
        if let freq { o.append("freq", .string(freq)) }
        if let len { o.append("len", .string(len)) }
        if let key { o.append("key", .string(key)) }
        if let subId { o.append("subId", subId) }
        return BfxRequest(json: .object(o))
    }

    /// `{"event":"unsubscribe","chanId":N}`
    public static func unsubscribe(chanId: Int64) -> BfxRequest {
        BfxRequest(json: ["event": "unsubscribe", "chanId": .number(WireNumber(chanId))])
    }

    /// `{"event":"conf","flags":N}`
    public static func conf(flags: ConfFlags) -> BfxRequest {
        BfxRequest(json: ["event": "conf", "flags": .number(WireNumber(flags.rawValue))])
    }

    /// `{"event":"ping","cid":N}`
    public static func ping(cid: Int64) -> BfxRequest {
        BfxRequest(json: ["event": "ping", "cid": .number(WireNumber(cid))])
    }

    /// `{"event":"auth","apiKey":…,"authSig":…,"authNonce":N,"authPayload":…,"dms":…,"filter":[…],"calc":…}`.
    /// Prefer ``BfxSignature/wsAuth(apiKey:secret:nonce:dms:filter:calc:)`` which signs for you.
    public static func auth(apiKey: String, authSig: String, authNonce: Int64, authPayload: String, dms: Int? = nil,
                            filter: [String]? = nil, calc: Int? = nil) -> BfxRequest {
        var o = JSONObject()
        o.append("event", "auth")
        o.append("apiKey", .string(apiKey))
        o.append("authSig", .string(authSig))
        o.append("authNonce", .number(WireNumber(authNonce)))
        o.append("authPayload", .string(authPayload))
        if let dms { o.append("dms", .number(WireNumber(dms))) }
        if let filter { o.append("filter", .array(filter.map { .string($0) })) }
        if let calc { o.append("calc", .number(WireNumber(calc))) }
        return BfxRequest(json: .object(o))
    }

    // MARK: Inputs (channel 0)

    /// `[0,"<abbr>",null,payload]`
    public static func input(_ abbreviation: String, _ payload: JSONValue) -> BfxRequest {
        BfxRequest(json: [0, .string(abbreviation), nil, payload])
    }

    /// `on`
    public static func newOrder(_ order: NewOrder) -> BfxRequest { input("on", order.payload) }
    /// `ou`
    public static func updateOrder(_ update: OrderUpdate) -> BfxRequest { input("ou", update.payload) }
    /// `oc`
    public static func cancelOrder(_ cancel: OrderCancel) -> BfxRequest { input("oc", cancel.payload) }
    /// `oc_multi`
    public static func cancelOrders(_ cancel: OrderCancelMulti) -> BfxRequest { input("oc_multi", cancel.payload) }

    /// `ox_multi` with 1…75 operations.
    public static func multiOp(_ ops: [OrderOperation]) throws(BfxRequestError) -> BfxRequest {
        guard !ops.isEmpty else { throw .emptyBatch }
        guard ops.count <= maxMultiOps else { throw .tooManyOperations(count: ops.count, max: maxMultiOps) }
        return input("ox_multi", .array(ops.map(\.payload)))
    }

    /// `calc` with 1…30 entries such as `margin_sym_tBTCUSD`, `position_tBTCUSD`,
    /// `wallet_exchange_USD`, `balance`.
    public static func calc(_ requests: [String]) throws(BfxRequestError) -> BfxRequest {
        guard !requests.isEmpty else { throw .emptyBatch }
        guard requests.count <= maxCalcRequests else { throw .tooManyCalcRequests(count: requests.count, max: maxCalcRequests) }
        return input("calc", .array(requests.map { .array([.string($0)]) }))
    }

    /// `fon`
    public static func newFundingOffer(_ offer: NewFundingOffer) -> BfxRequest { input("fon", offer.payload) }
    /// `foc`
    public static func cancelFundingOffer(id: Int64) -> BfxRequest { input("foc", ["id": .number(WireNumber(id))]) }
}
