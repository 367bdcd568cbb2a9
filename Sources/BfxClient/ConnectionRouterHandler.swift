import BfxProtocol
import NIOCore

/// The last inbound handler: routes each decoded ``BfxProtocol/Frame`` to the owning
/// ``ConnectionSupervisor`` — events to the lifecycle state machine, channel data by `chanId` to the
/// subscription it belongs to (book apply + checksum, trade de-duplication, …).
///
/// Runs on the supervisor's event loop, so it calls the supervisor synchronously (no hop per message).
final class ConnectionRouterHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Frame

    private let supervisor: ConnectionSupervisor
    private let generation: Int

    init(supervisor: ConnectionSupervisor, generation: Int) {
        self.supervisor = supervisor
        self.generation = generation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receive(Self.unwrapInboundIn(data))
    }

    /// Routes one decoded frame (called directly by ``BfxFrameDecoderHandler`` on the same event
    /// loop, or from `channelRead`).
    @inline(__always)
    func receive(_ frame: Frame) {
        guard supervisor.noteInbound(generation: generation) else { return }
        route(frame)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let malformed = error as? MalformedFrameError {
            guard supervisor.noteInbound(generation: generation) else { return }
            supervisor.malformed(malformed.underlying, chanId: malformed.chanId.map { Int(truncatingIfNeeded: $0) })
            return
        }
        // Anything else (I/O, protocol violation) ends this socket; the supervisor reconnects.
        context.close(promise: nil)
    }

    private func route(_ frame: Frame) {
        switch frame {
        case .event(let event):
            routeEvent(event)
        case .heartbeat(let chanId, let meta):
            supervisor.heartbeat(chanId: Int(truncatingIfNeeded: chanId), seq: meta.seq)
            if chanId == 0 { supervisor.userFrame(frame) }
        case .checksum(let chanId, let value, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.bookChecksum(m, server: value)
        case .bookSnapshot(let chanId, let entries, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.bookSnapshot(m) { previous in try OrderBook.bridgeSnapshot(entries, spec: m.spec, previous: previous) }
        case .bookUpdate(let chanId, let entry, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.bookUpdate(m) { try $0.bridgeApply(entry) }
        case .bookUpdates(let chanId, let entries, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.bookUpdate(m) { book in for e in entries { try book.bridgeApply(e) } }
        case .rawBookSnapshot(let chanId, let entries, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.bookSnapshot(m) { previous in try OrderBook.bridgeRawSnapshot(entries, spec: m.spec, previous: previous) }
        case .rawBookUpdate(let chanId, let entry, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.bookUpdate(m) { try $0.bridgeApply(entry) }
        case .rawBookUpdates(let chanId, let entries, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.bookUpdate(m) { book in for e in entries { try book.bridgeApply(e) } }
        case .ticker(let chanId, let ticker, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.deliver(m, .ticker(ticker))
        case .fundingTicker(let chanId, let ticker, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.deliver(m, .fundingTicker(ticker))
        case .tradesSnapshot(let chanId, let trades, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.tradeSnapshot(m, trades.map(PublicTrade.trading))
        case .trade(let chanId, let kind, let trade, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.trade(m, .trading(trade), isUpdate: kind == .updated)
        case .fundingTradesSnapshot(let chanId, let trades, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.tradeSnapshot(m, trades.map(PublicTrade.funding))
        case .fundingTrade(let chanId, let kind, let trade, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.trade(m, .funding(trade), isUpdate: kind == .updated)
        case .candlesSnapshot(let chanId, let candles, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.candleSnapshot(m, candles)
        case .candleUpdate(let chanId, let candle, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.deliver(m, .candle(candle))
        case .derivStatus(let chanId, let status, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.deliver(m, .derivStatus(status))
        case .liquidations(let chanId, let entries, let meta):
            guard let m = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: meta.seq) else { return }
            supervisor.deliver(m, .liquidations(entries))
        case .user(_, let meta):
            // Channel 0 belongs to the user-data client (via the authentication hook); the
            // public sequence audit still counts it.
            _ = supervisor.member(forChanId: 0, seq: meta.seq)
            supervisor.userFrame(frame)
        case .unknownChannel(let chanId, _):
            // Data for a chanId the decoder does not know (e.g. after an unsubscribe): ignore.
            _ = supervisor.member(forChanId: Int(truncatingIfNeeded: chanId), seq: nil)
        case .unknown:
            break
        }
    }

    private func routeEvent(_ event: BfxEvent) {
        switch event {
        case .info(let info):
            supervisor.didReceiveInfo(
                version: info.version.map { Int(truncatingIfNeeded: $0) },
                platformStatus: info.platformStatus.map { Int(truncatingIfNeeded: $0) },
                code: info.code?.rawValue
            )
        case .conf(let conf):
            supervisor.didReceiveConf(ok: conf.isOK, flags: conf.flags?.rawValue)
        case .subscribed(let subscribed):
            supervisor.didSubscribe(chanId: Int(truncatingIfNeeded: subscribed.chanId), subId: Self.subId(subscribed.subId))
        case .unsubscribed(let unsubscribed):
            supervisor.didUnsubscribe(chanId: Int(truncatingIfNeeded: unsubscribed.chanId))
        case .error(let error):
            supervisor.didReceiveError(
                code: error.code?.rawValue ?? 0,
                message: error.message,
                subId: Self.subId(error.subId),
                chanId: error.fields["chanId"]?.int64.map { Int(truncatingIfNeeded: $0) },
                echo: ErrorEcho(channel: error.fields["channel"]?.string, symbol: error.fields["symbol"]?.string,
                                key: error.fields["key"]?.string)
            )
        case .auth(let auth):
            supervisor.didReceiveAuth(auth)
        case .pong, .unknown:
            break
        }
    }

    /// `subId` may come back as a number or a string.
    static func subId(_ value: JSONValue?) -> Int? {
        guard let value else { return nil }
        if let n = value.int64 { return Int(truncatingIfNeeded: n) }
        if let s = value.string { return Int(s) }
        return nil
    }
}
