import BfxProtocol

/// Maps a ``ChannelSpec`` and the connection's control requests onto BfxProtocol's
/// ``BfxProtocol/BfxRequest`` encoders (the one place requests are serialised).
enum RequestEncoding {
    static func conf(flags: ConfFlags) -> String { BfxRequest.conf(flags: flags).text }

    static func ping(cid: Int) -> String { BfxRequest.ping(cid: Int64(cid)).text }

    static func unsubscribe(chanId: Int) -> String { BfxRequest.unsubscribe(chanId: Int64(chanId)).text }

    /// `subscribe` with every parameter of `spec` and the subscription id as `subId`.
    static func subscribe(_ spec: ChannelSpec, subId: Int) -> String {
        let id = JSONValue.number(WireNumber(subId))
        switch spec {
        case .ticker(let symbol), .trades(let symbol):
            return BfxRequest.subscribe(channel: spec.channelName, symbol: symbol, subId: id).text
        case .book(let symbol, let precision, let frequency, let length):
            return BfxRequest.subscribe(channel: "book", symbol: symbol, prec: precision.rawValue, freq: frequency.rawValue,
                                        len: String(length), subId: id).text
        case .rawBook(let symbol, let length):
            return BfxRequest.subscribe(channel: "book", symbol: symbol, prec: "R0", len: String(length), subId: id).text
        case .candles(let key), .status(let key):
            return BfxRequest.subscribe(channel: spec.channelName, key: key, subId: id).text
        }
    }
}
