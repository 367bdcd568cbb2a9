import BfxClient
import BfxProtocol
import Synchronization

/// One upstream channel shared by every local subscriber: the *published* state (what local
/// clients have been told) and the fan-out (ADR 0022).
///
/// Upstream events come from one ``BfxClient/Subscription`` (the client's verified, audited,
/// self-healing channel). Each is turned into local packets encoded once (`[CHAN_ID,payload`) and
/// appended to every subscriber's outbox, which adds that connection's trailer. A subscriber that
/// has not had its snapshot yet gets the snapshot of the published state instead of the update,
/// under the same lock, so no packet is missed or doubled between snapshot and updates.
final class ChannelFeed: Sendable {
    /// Bitfinex's trade snapshot size (newest first).
    static let tradeSnapshotSize = 30
    /// Candles kept for late joiners (newest first).
    static let candleSnapshotSize = 240

    struct Subscriber {
        let client: LocalClient
        var snapshotSent: Bool
    }

    struct Pending {
        let client: LocalClient
        let request: JSONObject
    }

    private struct State {
        var ready = false
        var failed: SubscriptionError?
        var pending: [Pending] = []
        var subscribers: [Int: Subscriber] = [:]
        var book: OrderBook?
        var trades: [PublicTrade] = []  // newest first
        var tradeIDs: Set<Int64> = []
        var hadTradeSnapshot = false
        var candles: [Candle] = []       // newest first
        var hadCandleSnapshot = false
        var last: JSONValue?              // ticker / funding ticker / deriv status row
        var lastPublishNanos: UInt64 = 0
        var packets = 0
        var healed = 0
        var integrity = 0
        var upstreamDrops = 0
    }

    let spec: ChannelSpec
    let chanId: Int64
    private let clock: any BfxClock
    private let state: Mutex<State>

    init(spec: ChannelSpec, chanId: Int64, clock: any BfxClock) {
        self.spec = spec
        self.chanId = chanId
        self.clock = clock
        self.state = Mutex(State(lastPublishNanos: clock.monotonicNanos()))
    }

    // MARK: local subscribers

    /// Adds a local subscriber: answered now when upstream is subscribed, else when it is.
    /// Returns false when the upstream subscription failed for good (the caller answers).
    func join(_ client: LocalClient, request: JSONObject) -> SubscriptionError? {
        state.withLock { s in
            if let failed = s.failed { return failed }
            if s.ready {
                client.outbox.sendEvent(subscribedText(request), nowNanos: clock.monotonicNanos())
                var subscriber = Subscriber(client: client, snapshotSent: false)
                sendSnapshotIfAny(&subscriber, s)
                s.subscribers[client.id] = subscriber
            } else {
                s.pending.append(Pending(client: client, request: request))
            }
            return nil
        }
    }

    /// Removes a local subscriber (unsubscribe or disconnect). True if it was one.
    @discardableResult
    func leave(_ clientID: Int) -> Bool {
        state.withLock { s in
            if s.subscribers.removeValue(forKey: clientID) != nil { return true }
            let before = s.pending.count
            s.pending.removeAll { $0.client.id == clientID }
            return s.pending.count != before
        }
    }

    var subscriberCount: Int { state.withLock { $0.subscribers.count + $0.pending.count } }

    // MARK: upstream events

    /// Applies one upstream event and fans out what it changes. Returns the failure when the
    /// upstream subscription failed for good (the hub then drops the feed).
    func handle(_ event: SubscriptionEvent) -> SubscriptionError? {
        state.withLock { s -> SubscriptionError? in
            switch event {
            case .subscribed:
                if !s.ready {
                    s.ready = true
                    let now = clock.monotonicNanos()
                    for p in s.pending {
                        p.client.outbox.sendEvent(subscribedText(p.request), nowNanos: now)
                        var subscriber = Subscriber(client: p.client, snapshotSent: false)
                        sendSnapshotIfAny(&subscriber, s)
                        s.subscribers[p.client.id] = subscriber
                    }
                    s.pending.removeAll()
                }
            case .book(let event):
                guard let old = s.book else {
                    s.book = event.book
                    publish(&s, updates: [])
                    return nil
                }
                let entries = BookDiff.entries(from: old, to: event.book)
                if event.isSnapshot, !entries.isEmpty { s.healed += 1 }
                s.book = event.book
                guard !entries.isEmpty else { return nil }
                var packets = entries.map { LocalWire.packet(chanId, [$0.row]) }
                packets.append(checksumMarker)
                publish(&s, updates: packets)
            case .tradeSnapshot(let trades):
                let fresh = trades.filter { !s.tradeIDs.contains($0.id) }.sorted { ($0.mts, $0.id) < ($1.mts, $1.id) }
                let first = !s.hadTradeSnapshot
                s.hadTradeSnapshot = true
                remember(&s, fresh)
                if first { publish(&s, updates: []) } else if !fresh.isEmpty { s.healed += 1; publish(&s, updates: fresh.flatMap(tradePackets)) }
            case .trade(let trade):
                guard !s.tradeIDs.contains(trade.id) else { return nil }
                remember(&s, [trade])
                publish(&s, updates: tradePackets(trade))
            case .candleSnapshot(let candles):
                let first = !s.hadCandleSnapshot
                s.hadCandleSnapshot = true
                let changed = mergeCandles(&s, candles)
                if first { publish(&s, updates: []) } else if !changed.isEmpty {
                    s.healed += 1
                    publish(&s, updates: changed.map { LocalWire.packet(chanId, [$0.row]) })
                }
            case .candle(let candle):
                let changed = mergeCandles(&s, [candle])
                if !changed.isEmpty { publish(&s, updates: changed.map { LocalWire.packet(chanId, [$0.row]) }) }
            case .ticker(let t): publishLast(&s, t.row)
            case .fundingTicker(let t): publishLast(&s, t.row)
            case .derivStatus(let d): publishLast(&s, d.row)
            case .liquidations(let ls):
                publish(&s, updates: [LocalWire.packet(chanId, [.array(ls.map(\.row))])])
            case .integrity:
                s.integrity += 1
            case .overflow(let dropped):
                s.upstreamDrops += dropped
            case .stale:
                break
            case .failed(let error):
                s.failed = error
                let now = clock.monotonicNanos()
                for p in s.pending {
                    p.client.outbox.sendEvent(LocalWire.error(code: error.code, msg: error.message, echo: p.request), nowNanos: now)
                }
                for sub in s.subscribers.values {
                    sub.client.outbox.sendEvent(LocalWire.error(code: error.code, msg: error.message, echo: nil), nowNanos: now)
                }
                s.pending.removeAll()
                s.subscribers.removeAll()
                return error
            }
            return nil
        }
    }

    /// Sends `[CHAN_ID,"hb"]` to every subscriber when the channel has been idle for `interval`.
    func heartbeatIfIdle(interval: Duration, nowNanos: UInt64) {
        state.withLock { s in
            guard s.ready, nowNanos &- s.lastPublishNanos >= interval.nanosecondsClamped else { return }
            s.lastPublishNanos = nowNanos
            let packet = LocalWire.packet(chanId, [.string("hb")])
            let wall = Int64(clock.wallMicros() / 1_000)
            for sub in s.subscribers.values where sub.snapshotSent || !needsSnapshot {
                sub.client.outbox.sendPacket(packet, wallMillis: wall, nowNanos: nowNanos)
            }
        }
    }

    /// The feed as seen by `/api/state`.
    func info() -> (subscribers: Int, packets: Int, healed: Int, integrity: Int, upstreamDrops: Int, ready: Bool) {
        state.withLock { ($0.subscribers.count + $0.pending.count, $0.packets, $0.healed, $0.integrity, $0.upstreamDrops, $0.ready) }
    }

    /// The published book (tests and diagnostics).
    func publishedBook() -> OrderBook? { state.withLock { $0.book } }

    // MARK: internals

    /// Marks where a `cs` packet goes (only to clients with OB_CHECKSUM; computed per publish).
    private var checksumMarker: [UInt8] { [] }

    private var needsSnapshot: Bool {
        switch spec {
        case .book, .rawBook, .trades, .candles: true
        case .ticker, .status: false
        }
    }

    private func subscribedText(_ request: JSONObject) -> String {
        var echo = JSONObject()
        echo.append("event", .string("subscribed"))
        echo.append("channel", .string(spec.channelName))
        echo.append("chanId", .number(WireNumber(chanId)))
        switch spec {
        case .ticker(let s), .trades(let s):
            echo.append("symbol", .string(s))
            appendPair(&echo, s)
        case .book(let s, let p, let f, let l):
            echo.append("symbol", .string(s))
            echo.append("prec", .string(p.rawValue))
            echo.append("freq", .string(f.rawValue))
            echo.append("len", .string(String(l)))
            appendPair(&echo, s)
        case .rawBook(let s, let l):
            echo.append("symbol", .string(s))
            echo.append("prec", .string("R0"))
            echo.append("freq", .string(request["freq"]?.string ?? "F0"))
            echo.append("len", .string(String(l)))
            appendPair(&echo, s)
        case .candles(let k), .status(let k):
            echo.append("key", .string(k))
        }
        if let subId = request["subId"] { echo.append("subId", subId) }
        return JSONValue.object(echo).serialized()
    }

    private func appendPair(_ echo: inout JSONObject, _ symbol: String) {
        if symbol.hasPrefix("t") { echo.append("pair", .string(String(symbol.dropFirst()))) }
        else { echo.append("currency", .string(String(symbol.dropFirst()))) }
    }

    /// Sends the published state to a subscriber that has not had its snapshot, if there is one.
    private func sendSnapshotIfAny(_ sub: inout Subscriber, _ s: borrowing State) {
        guard !sub.snapshotSent, let packets = snapshotPackets(s) else { return }
        let now = clock.monotonicNanos()
        let wall = Int64(clock.wallMicros() / 1_000)
        for packet in packets { sub.client.outbox.sendPacket(packet, wallMillis: wall, nowNanos: now) }
        if let book = s.book, sub.client.outbox.flags.contains(.checksum) {
            sub.client.outbox.sendPacket(checksumPacket(book), wallMillis: wall, nowNanos: now)
        }
        sub.snapshotSent = true
    }

    /// The snapshot packets of the published state; nil when there is nothing to send yet.
    private func snapshotPackets(_ s: borrowing State) -> [[UInt8]]? {
        switch spec {
        case .book, .rawBook:
            guard let book = s.book else { return nil }
            return [LocalWire.packet(chanId, [.array(BookDiff.snapshot(book).map(\.row))])]
        case .trades:
            guard s.hadTradeSnapshot else { return nil }
            return [LocalWire.packet(chanId, [.array(s.trades.map(tradeRow))])]
        case .candles:
            guard s.hadCandleSnapshot else { return nil }
            return [LocalWire.packet(chanId, [.array(s.candles.map(\.row))])]
        case .ticker, .status:
            guard let last = s.last else { return nil }
            return [LocalWire.packet(chanId, [last])]
        }
    }

    /// Fans out `updates` (an empty packet is the checksum marker) to subscribers that have their
    /// snapshot; the others get the snapshot of the (already updated) published state.
    private func publish(_ s: inout State, updates: [[UInt8]]) {
        let now = clock.monotonicNanos()
        let wall = Int64(clock.wallMicros() / 1_000)
        s.lastPublishNanos = now
        var withChecksum: [[UInt8]]?
        var plain: [[UInt8]]?
        for id in Array(s.subscribers.keys) {
            guard var sub = s.subscribers[id] else { continue }
            if !sub.snapshotSent {
                sendSnapshotIfAny(&sub, s)
                s.subscribers[id] = sub
                continue
            }
            // two encodings per publish at most: without and with the `cs` packets
            let batch: [[UInt8]]
            if sub.client.outbox.flags.contains(.checksum), let book = s.book {
                if withChecksum == nil {
                    let cs = checksumPacket(book)
                    withChecksum = updates.map { $0.isEmpty ? cs : $0 }
                }
                batch = withChecksum!
            } else {
                if plain == nil { plain = updates.filter { !$0.isEmpty } }
                batch = plain!
            }
            s.packets += batch.count
            sub.client.outbox.sendPackets(batch, wallMillis: wall, nowNanos: now)
        }
    }

    private func publishLast(_ s: inout State, _ row: JSONValue) {
        s.last = row
        publish(&s, updates: [LocalWire.packet(chanId, [row])])
    }

    private func checksumPacket(_ book: OrderBook) -> [UInt8] {
        LocalWire.packet(chanId, [.string("cs"), .number(WireNumber(Int64(book.checksum())))])
    }

    private func remember(_ s: inout State, _ trades: [PublicTrade]) {
        for t in trades { s.tradeIDs.insert(t.id) }
        s.trades = Array((trades.reversed() + s.trades).sorted { ($0.mts, $0.id) > ($1.mts, $1.id) }.prefix(Self.tradeSnapshotSize))
        if s.tradeIDs.count > 4 * Self.tradeSnapshotSize {
            // keep the ids of the published window plus the newest ids (bounded memory)
            let keep = Set(s.trades.map(\.id))
            let newest = s.tradeIDs.sorted().suffix(2 * Self.tradeSnapshotSize)
            s.tradeIDs = keep.union(newest)
        }
    }

    private func tradeRow(_ trade: PublicTrade) -> JSONValue {
        switch trade {
        case .trading(let t): t.row
        case .funding(let t): t.row
        }
    }

    /// `te` then `tu` (Bitfinex sends both for every trade; `fte`/`ftu` for funding).
    private func tradePackets(_ trade: PublicTrade) -> [[UInt8]] {
        let prefix = trade.isFunding ? "f" : ""
        let row = tradeRow(trade)
        return [LocalWire.packet(chanId, [.string(prefix + "te"), row]), LocalWire.packet(chanId, [.string(prefix + "tu"), row])]
    }

    /// Merges candles by MTS; returns the new or changed ones, oldest first.
    private func mergeCandles(_ s: inout State, _ candles: [Candle]) -> [Candle] {
        var byMTS: [Int64: Candle] = Dictionary(s.candles.map { ($0.mts, $0) }, uniquingKeysWith: { a, _ in a })
        var changed: [Candle] = []
        for c in candles where byMTS[c.mts] != c {
            byMTS[c.mts] = c
            changed.append(c)
        }
        s.candles = Array(byMTS.values.sorted { $0.mts > $1.mts }.prefix(Self.candleSnapshotSize))
        return changed.sorted { $0.mts < $1.mts }
    }
}

extension PublicTrade {
    var isFunding: Bool {
        if case .funding = self { return true }
        return false
    }
}
