import BfxProtocol
import Logging

/// The simulator's single source of truth: markets, connections, subscriptions, accounts, nonces
/// and faults. An actor so every protocol decision is serialised (one consistent book per symbol,
/// one nonce counter per key) without locks; connections talk to it by message.
actor SimulatorEngine {
    let configuration: SimulatorConfiguration
    let logger: Logger
    var markets: [String: Market] = [:]
    /// Market symbols in a fixed order (deterministic ticking).
    let symbolOrder: [String]
    var ids: IdAllocator
    var sessions: [Int: Session] = [:]
    var nextSessionId = 1
    var nextChanId: Int
    /// Subscribers per key: session id → channel id.
    var subscribers: [ChannelKey: [Int: Int]] = [:]
    /// Shared book views for subscribed book keys.
    var bookViews: [ChannelKey: BookView] = [:]
    /// Book view keys per symbol in creation order (deterministic flush order).
    var bookViewOrder: [String: [ChannelKey]] = [:]
    /// `tu` messages waiting for the next tick (te is immediate, tu follows, reference §3.2).
    var pendingTradeUpdates: [(String, PublicTrade)] = []
    var nonceLedger = NonceLedger()
    var accounts: [Int: Account] = [:]
    /// The channel-0 events emitted per user, bounded (`GET /_sim/events/USER`).
    var accountEvents: [Int: AccountEventLog] = [:]
    var keysByName: [String: SimulatorConfiguration.APIKey] = [:]
    var ticks = 0
    var connectionsAccepted = 0
    var connectionsRefused = 0
    var messagesSent = 0
    var faultCounts: [String: Int] = [:]
    var restCounts: [String: Int] = [:]
    var subscribeCounts: [ChannelKey: Int] = [:]
    var maintenance = false
    /// The `funding_checksum` fault: funding-book `cs` values computed over mis-sorted sides.
    var wrongFundingChecksums = false
    /// TCP refusal and subscribe rejections, read outside the actor (see SimulatorFaultGate).
    let faultGate = SimulatorFaultGate()
    var latency: Duration = .zero
    var restErrorBudget = 0
    var restRateLimitBudget = 0
    var restWindows: [String: [ContinuousClock.Instant]] = [:]
    var statusRng: SplitMix64
    let serverId: String
    /// Reused byte buffer for assembling channel packets (hot path, see `sendChannel`).
    var scratch: [UInt8] = []
    /// Reused byte buffers for rendering book rows (see `flushBooks`).
    var rowScratch: [UInt8] = []

    init(configuration: SimulatorConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        var ids = IdAllocator(seed: configuration.seed)
        let now = configuration.now()
        var markets: [String: Market] = [:]
        let symbols = configuration.tradingSymbols + configuration.fundingSymbols
        for symbol in symbols {
            markets[symbol] = Market(
                symbol: symbol, seed: configuration.seed, now: now, depth: configuration.initialBookDepth,
                tradeHistory: configuration.tradeHistory, candleHistory: configuration.candleHistory, ids: &ids,
                variants: configuration.variants
            )
        }
        self.markets = markets
        self.symbolOrder = symbols
        self.ids = ids
        var rng = SplitMix64(seed: configuration.seed, stream: "engine")
        self.nextChanId = 10_000 + Int(rng.next() % 50_000)
        self.statusRng = rng
        let hex = String(rng.next(), radix: 16)
        self.serverId = "sim-" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        for key in configuration.apiKeys {
            keysByName[key.key] = key
            if accounts[key.userId] == nil {
                accounts[key.userId] = Account(userId: key.userId, wallets: key.wallets)
            }
        }
    }

    // MARK: connections

    /// Registers a new connection (refusal is enforced below HTTP, see SimulatorFaultGate).
    func open() -> SessionOutbox {
        let id = nextSessionId
        nextSessionId += 1
        connectionsAccepted += 1
        let outbox = SessionOutbox(id: id)
        sessions[id] = Session(id: id, outbox: outbox)
        var w = WireWriter()
        w.beginObject()
        w.key("event"); w.string("info")
        w.key("version"); w.int(2)
        w.key("serverId"); w.string(serverId)
        w.key("platform"); w.beginObject(); w.key("status"); w.int(maintenance ? 0 : 1); w.endObject()
        w.endObject()
        sendEvent(id, w.text)
        return outbox
    }

    /// Forgets a closed connection (and fires its dead-man switch).
    func close(_ id: Int) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        for (_, key) in session.channels { removeSubscriber(key: key, session: id) }
        session.outbox.finish()
        if let auth = session.auth, auth.deadManSwitch {
            deadManSwitch(userId: auth.userId)
        }
    }

    func removeSubscriber(key: ChannelKey, session: Int) {
        subscribers[key]?[session] = nil
        if subscribers[key]?.isEmpty ?? false {
            subscribers[key] = nil
            if bookViews.removeValue(forKey: key) != nil, let symbol = key.symbol {
                bookViewOrder[symbol]?.removeAll { $0 == key }
            }
        }
    }

    // MARK: sending

    /// Sends an event object (no sequence numbers: events are not channel packets).
    func sendEvent(_ sessionId: Int, _ json: String) {
        guard let session = sessions[sessionId], !session.outbox.isStalled else { return }
        session.outbox.send(json)
        sessions[sessionId]?.messagesSent += 1
        messagesSent += 1
    }

    /// Sends a channel packet `[chanId,<fragment>(,SEQ)(,TS)]`.
    func sendChannel(_ sessionId: Int, chanId: Int, fragment: String) {
        var text = fragment
        text.withUTF8 { sendChannel(sessionId, chanId: chanId, fragmentBytes: UnsafeRawBufferPointer($0)) }
    }

    /// Sends a channel packet whose fragment is given as UTF-8 bytes. Hot path (every book
    /// update and `cs`): the packet is assembled in a reused byte buffer and framed straight into
    /// the connection's outbox (no `String`, no per-frame item), and the session is mutated in
    /// place (a copy out of `sessions` would copy its dictionaries on every frame).
    func sendChannel(_ sessionId: Int, chanId: Int, fragmentBytes: UnsafeRawBufferPointer) {
        guard let header = channelPacketState(sessionId) else { return }
        var seq: Int64?
        if header.sequenceOn {
            let next = header.pubSeq + (header.skipNext ? 2 : 1)
            sessions[sessionId]?.pubSeq = next
            sessions[sessionId]?.skipNextSequence = false
            seq = next
        }
        sessions[sessionId]?.lastActivity[chanId] = .now
        sessions[sessionId]?.messagesSent += 1
        messagesSent += 1
        scratch.removeAll(keepingCapacity: true)
        scratch.append(UInt8(ascii: "["))
        Fixed.appendDecimal(Int64(chanId), to: &scratch)
        scratch.append(UInt8(ascii: ","))
        scratch.append(contentsOf: fragmentBytes)
        if let seq {
            scratch.append(UInt8(ascii: ","))
            Fixed.appendDecimal(seq, to: &scratch)
        }
        if header.timestampOn {
            scratch.append(UInt8(ascii: ","))
            Fixed.appendDecimal(configuration.now(), to: &scratch)
        }
        scratch.append(UInt8(ascii: "]"))
        let coalesce = latency == .zero
        scratch.withUnsafeBytes { header.outbox.sendFramed($0, coalesce: coalesce) }
    }

    /// What `sendChannel` needs from a session, read without keeping a copy of it alive (nil when
    /// the session is gone or stalled).
    private func channelPacketState(_ sessionId: Int) -> (outbox: SessionOutbox, sequenceOn: Bool, timestampOn: Bool, pubSeq: Int64, skipNext: Bool)? {
        guard let session = sessions[sessionId], !session.outbox.isStalled else { return nil }
        return (session.outbox, session.sequenceOn, session.timestampOn, session.pubSeq, session.skipNextSequence)
    }

    /// Sends a channel-0 packet. `-req` notifications carry only the auth sequence; `n` packets do
    /// not advance it; every other packet advances both (reference §5; UNVERIFIED beyond N).
    func sendAccount(_ sessionId: Int, type: String, data: String) {
        guard var session = sessions[sessionId], !session.outbox.isStalled else { return }
        var frame = "[0,\"" + type + "\"," + data
        if session.sequenceOn {
            // `req_seq` variant (docs/adr/0028): `both` gives `-req` a public sequence number too.
            let isReq = configuration.variants.requestSequence == .authOnly && type == "n" && data.contains("-req\"")
            if !isReq {
                session.pubSeq += session.skipNextSequence ? 2 : 1
                session.skipNextSequence = false
                frame += "," + String(session.pubSeq)
            }
            if type != "n" { session.authSeq += 1 }
            frame += "," + String(session.authSeq)
        }
        if session.timestampOn { frame += "," + String(configuration.now()) }
        frame += "]"
        session.lastActivity[0] = .now
        session.messagesSent += 1
        sessions[sessionId] = session
        messagesSent += 1
        session.outbox.send(frame)
    }

    /// Publishes a channel packet to every subscriber of a key, rendering each DEC_S variant once.
    func publish(_ key: ChannelKey, _ body: (inout WireWriter) -> Void) {
        guard let subs = subscribers[key], !subs.isEmpty else { return }
        var plain: String?
        var strings: String?
        for (sid, chan) in subs.sorted(by: { $0.key < $1.key }) {
            guard let session = sessions[sid] else { continue }
            let fragment: String
            if session.decimalsAsStrings {
                if strings == nil { strings = SimulatorEngine.fragment(decS: true, body) }
                fragment = strings ?? ""
            } else {
                if plain == nil { plain = SimulatorEngine.fragment(decS: false, body) }
                fragment = plain ?? ""
            }
            sendChannel(sid, chanId: chan, fragment: fragment)
        }
    }

    /// Renders tokens written by `body` as a comma-separated fragment (no surrounding brackets).
    static func fragment(decS: Bool, _ body: (inout WireWriter) -> Void) -> String {
        var w = WireWriter(decimalsAsStrings: decS, capacity: 128)
        w.beginArray()
        body(&w)
        w.endArray()
        return String(w.text.dropFirst().dropLast())
    }

    static func errorEvent(code: Int, msg: String, echo: JSONObject? = nil) -> String {
        var object = JSONObject()
        object.append("event", .string("error"))
        if let echo {
            for member in echo where member.key != "event" { object.append(member.key, member.value) }
        }
        object.append("msg", .string(msg))
        object.append("code", .number(WireNumber(code)))
        return JSONValue.object(object).serialized()
    }

    // MARK: heartbeats

    /// Sends `[chan,"hb"]` on every channel idle for at least the heartbeat interval.
    func heartbeatSweep() {
        let now = ContinuousClock.now
        let interval = configuration.heartbeatInterval
        for sid in sessions.keys.sorted() {
            guard let session = sessions[sid] else { continue }
            var chans = Array(session.channels.keys)
            if session.auth != nil { chans.append(0) }
            for chan in chans.sorted() {
                let last = session.lastActivity[chan] ?? now
                if session.lastActivity[chan] == nil { sessions[sid]?.lastActivity[chan] = now; continue }
                if now - last >= interval {
                    sendChannel(sid, chanId: chan, fragment: "\"hb\"")
                }
            }
        }
    }

    // MARK: stats

    func stats() -> SimulatorStats {
        var nonces: [String: SimulatorStats.NonceStats] = [:]
        for (key, record) in nonceLedger.keys {
            nonces[key] = .init(accepted: record.accepted, rejected: record.rejected, outOfOrder: record.outOfOrder, lastNonce: record.last)
        }
        var active: [String: Int] = [:]
        for (key, sessions) in subscribers where !sessions.isEmpty { active[key.label] = sessions.count }
        return SimulatorStats(
            connections: sessions.count, connectionIds: sessions.keys.sorted(),
            connectionsAccepted: connectionsAccepted, connectionsRefused: connectionsRefused,
            messagesSent: messagesSent, ticks: ticks, nonces: nonces, faultsInjected: faultCounts,
            restRequests: restCounts, maintenance: maintenance,
            subscribesAccepted: Dictionary(subscribeCounts.map { ($0.key.label, $0.value) }, uniquingKeysWith: +),
            activeSubscriptions: active
        )
    }

    /// Every accepted nonce of a key in arrival order.
    func acceptedNonces(key: String) -> [Int64] { nonceLedger.keys[key]?.history ?? [] }

    /// The user's account-event log as JSON (entries with `seq > after`; see ``AccountEventLog``).
    func accountEventsJSON(userId: Int, after: Int) -> String {
        let sessions = sessions.values.filter { $0.auth?.userId == userId }.count
        return (accountEvents[userId] ?? AccountEventLog()).json(userId: userId, sessions: sessions, after: after)
    }

    /// Frames queued but not yet written, summed over connections.
    func pendingFrames() -> Int { sessions.values.reduce(0) { $0 + $1.outbox.pending } }

    /// The maximum pending frames of any connection.
    func maxPendingFrames() -> Int { sessions.values.map(\.outbox.pending).max() ?? 0 }

    /// Current outbound latency (fault).
    func currentLatency() -> Duration { latency }
}

extension SimulatorEngine {
    /// Ends every connection (shutdown): the writer finishes and the handler closes cleanly.
    func closeAll() {
        for (_, session) in sessions {
            session.outbox.clearFaults()
            session.outbox.drop()
            session.outbox.finish()
        }
    }
}
