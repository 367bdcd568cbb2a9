import BfxProtocol

/// The JSON text of public-channel requests, built from ``ChannelSpec`` with ``BfxProtocol/JSONValue``
/// serialisation (so strings are escaped correctly).
enum RequestEncoding {
    static func conf(flags: ConfFlags) -> String {
        JSONValue.object(JSONObject([.init(key: "event", value: "conf"), .init(key: "flags", value: .number(WireNumber(flags.rawValue)))])).serialized()
    }

    static func ping(cid: Int) -> String {
        JSONValue.object(JSONObject([.init(key: "event", value: "ping"), .init(key: "cid", value: .number(WireNumber(cid)))])).serialized()
    }

    static func unsubscribe(chanId: Int) -> String {
        JSONValue.object(JSONObject([.init(key: "event", value: "unsubscribe"), .init(key: "chanId", value: .number(WireNumber(chanId)))])).serialized()
    }

    static func subscribe(_ spec: ChannelSpec, subId: Int) -> String {
        var o = JSONObject()
        o.append("event", "subscribe")
        o.append("channel", .string(spec.channelName))
        switch spec {
        case .ticker(let symbol), .trades(let symbol):
            o.append("symbol", .string(symbol))
        case .book(let symbol, let precision, let frequency, let length):
            o.append("symbol", .string(symbol))
            o.append("prec", .string(precision.rawValue))
            o.append("freq", .string(frequency.rawValue))
            o.append("len", .string(String(length)))
        case .rawBook(let symbol, let length):
            o.append("symbol", .string(symbol))
            o.append("prec", "R0")
            o.append("len", .string(String(length)))
        case .candles(let key), .status(let key):
            o.append("key", .string(key))
        }
        o.append("subId", .number(WireNumber(subId)))
        return JSONValue.object(o).serialized()
    }
}
