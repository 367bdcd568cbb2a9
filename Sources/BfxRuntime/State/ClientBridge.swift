import BfxClient

/// Bridges runtime types to BfxClient types.
enum ClientBridge {
    static func clientSpec(_ spec: ChannelSpec) -> BfxClient::ChannelSpec {
        switch spec {
        case .ticker(let s): return .ticker(s)
        case .trades(let s): return .trades(s)
        case .book(let s, let p, let f, let l):
            return .book(s, precision: .init(rawValue: p) ?? .p0, frequency: .init(rawValue: f) ?? .f0, length: l)
        case .rawBook(let s, let l): return .rawBook(s, length: l)
        case .candles(let k): return .candles(k)
        case .status(let k): return .status(k)
        }
    }
}
