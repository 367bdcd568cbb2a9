import BfxProtocol
import Synchronization

/// One local connection of a ``ReplayServer``: answers `conf`, `ping`, `subscribe`,
/// `unsubscribe` and `auth` like Bitfinex, and plays each subscribed channel's recorded frames
/// with this connection's own chanIds, SEQ_ALL numbers and `cs` flag.
final class ReplaySession: Sendable {
    private struct State {
        var flags: Int64 = 0
        var nextChanId: Int64 = 100
        var seq: Int64 = 0
        var players: [Int64: Task<Void, Never>] = [:]
        var closed = false
        var framesSent = 0
    }

    private let tape: ReplayTape
    private let options: ReplayServer.Options
    private let output: AsyncStream<String>.Continuation
    private let counters: ReplayServer.Counters
    // Mutex: request handling (the socket's reader task) and the channel players (one task per
    // subscription) both send; seq numbers are assigned and frames queued under one lock so the
    // order on the wire is the order of the numbers.
    private let state = Mutex(State())

    init(tape: ReplayTape, options: ReplayServer.Options, counters: ReplayServer.Counters, output: AsyncStream<String>.Continuation) {
        self.tape = tape
        self.options = options
        self.counters = counters
        self.output = output
    }

    func start() {
        send(tape.info ?? #"{"event":"info","version":2,"serverId":"bfxkit-replay","platform":{"status":1}}"#)
    }

    /// Stops every player and ends the output stream.
    func close() {
        let players = state.withLock { s -> [Task<Void, Never>] in
            s.closed = true
            defer { s.players.removeAll() }
            return Array(s.players.values)
        }
        for player in players { player.cancel() }
        output.finish()
    }

    private func send(_ text: String) {
        state.withLock { s in
            guard !s.closed else { return }
            output.yield(text)
        }
    }

    private func sendError(_ code: Int, _ msg: String, echo: JSONObject?) {
        var o = JSONObject()
        o.append("event", "error")
        o.append("msg", .string(msg))
        o.append("code", .number(WireNumber(Int64(code))))
        if let echo { for m in echo.members where m.key != "event" { o.append(m.key, m.value) } }
        send(JSONValue.object(o).serialized())
    }

    /// One text frame from the local client.
    func handle(_ text: String) {
        guard let object = (try? JSONValue.parse(text))?.object else {
            sendError(10000, "invalid request", echo: nil)
            return
        }
        switch object["event"]?.string {
        case "ping":
            var o = JSONObject()
            o.append("event", "pong")
            o.append("ts", .number(WireNumber(Int64(Self.wallMillis()))))
            if let cid = object["cid"] { o.append("cid", cid) }
            send(JSONValue.object(o).serialized())
        case "conf":
            let flags = object["flags"]?.int64 ?? 0
            state.withLock { $0.flags = flags }
            send("{\"event\":\"conf\",\"status\":\"OK\",\"flags\":\(flags)}")
        case "subscribe":
            subscribe(object)
        case "unsubscribe":
            guard let chanId = object["chanId"]?.int64, let player = state.withLock({ $0.players.removeValue(forKey: chanId) }) else {
                sendError(10400, "unsubscribe: invalid", echo: object)
                return
            }
            player.cancel()
            send("{\"event\":\"unsubscribed\",\"status\":\"OK\",\"chanId\":\(chanId)}")
        case "auth":
            send(#"{"event":"auth","status":"FAILED","chanId":0,"code":10100,"msg":"apikey: invalid (replay serves recorded public channels only)"}"#)
        default:
            sendError(10000, "unknown event", echo: object)
        }
    }

    private func subscribe(_ request: JSONObject) {
        guard let index = ReplayMatcher.match(request, in: tape.channels) else {
            counters.unmatched.add(1, ordering: .relaxed)
            sendError(10300, "subscribe: failed (channel not in the recording)", echo: request)
            return
        }
        counters.subscribes.add(1, ordering: .relaxed)
        let recorded = tape.channels[index]
        let chanId = state.withLock { s -> Int64 in
            s.nextChanId += 1
            return s.nextChanId
        }
        var event = recorded.subscribed
        event.chanId = chanId
        event.subId = request["subId"]
        send(BfxEvent.subscribed(event).json.serialized())
        let options = self.options
        let player = Task { [self] in
            await play(recorded, chanId: chanId, options: options)
        }
        let stale = state.withLock { s -> Bool in
            if s.closed { return true }
            s.players[chanId] = player
            return false
        }
        if stale { player.cancel() }
    }

    private func play(_ channel: ReplayTape.Channel, chanId: Int64, options: ReplayServer.Options) async {
        let clock = ContinuousClock()
        let start = clock.now
        let base = channel.micros.first ?? 0
        for i in channel.fragments.indices {
            if Task.isCancelled { return }
            if options.speed > 0 {
                let offset = Double(channel.micros[i] &- base) / options.speed
                try? await clock.sleep(until: start.advanced(by: .microseconds(Int64(offset))))
            } else if i % 512 == 511 {
                await Task.yield()
            }
            if Task.isCancelled { return }
            sendChannel(chanId, fragment: channel.fragments[i], micros: channel.micros[i])
        }
        // The recording ended: keep the channel alive like Bitfinex does (bounded by the
        // connection: the task is cancelled when the socket closes or the client unsubscribes).
        let hb = Array("\"hb\"".utf8)
        while !Task.isCancelled {
            do { try await Task.sleep(for: options.heartbeat) } catch { return }
            sendChannel(chanId, fragment: hb, micros: Self.wallMillis() * 1_000)
        }
    }

    private func sendChannel(_ chanId: Int64, fragment: [UInt8], micros: UInt64) {
        state.withLock { s in
            guard !s.closed else { return }
            if s.flags & 131_072 == 0, fragment.starts(with: Self.csPrefix) { return }
            var text = "[\(chanId),"
            text += String(decoding: fragment, as: UTF8.self)
            if s.flags & 65_536 != 0 {
                s.seq += 1
                text += ",\(s.seq)"
            }
            if s.flags & 32_768 != 0 { text += ",\(micros / 1_000)" }
            text += "]"
            s.framesSent += 1
            counters.framesSent.add(1, ordering: .relaxed)
            output.yield(text)
        }
    }

    private static let csPrefix = Array("\"cs\"".utf8)

    private static func wallMillis() -> UInt64 { SystemClock().wallMicros() / 1_000 }
}

/// Which recorded channel answers a local `subscribe` request.
enum ReplayMatcher {
    /// The recorded channel with the most frames whose channel, symbol (or key), precision,
    /// frequency and length equal the request's (Bitfinex defaults filled in); failing that, the
    /// same ignoring length and frequency.
    static func match(_ request: JSONObject, in channels: [ReplayTape.Channel]) -> Int? {
        guard let name = request["channel"]?.string else { return nil }
        var symbol = request["symbol"]?.string ?? request["pair"]?.string ?? request["currency"]?.string
        if let s = symbol, !s.hasPrefix("t"), !s.hasPrefix("f") { symbol = (s.count == 3 ? "f" : "t") + s }
        let key = request["key"]?.string
        let prec = request["prec"]?.string ?? "P0"
        let freq = request["freq"]?.string ?? "F0"
        let len = request["len"].flatMap { $0.string ?? $0.int64.map { String($0) } } ?? "25"
        func candidates(strict: Bool) -> Int? {
            var best: Int?
            for (i, c) in channels.enumerated() {
                let e = c.subscribed
                guard e.channel == name else { continue }
                if let key { guard e.key == key else { continue } } else { guard e.symbol == symbol else { continue } }
                if name == "book" {
                    guard (e.prec ?? "P0") == prec else { continue }
                    if strict { guard (e.freq ?? "F0") == freq, (e.len ?? "25") == len else { continue } }
                }
                if best.map({ channels[$0].fragments.count < c.fragments.count }) ?? true { best = i }
            }
            return best
        }
        return candidates(strict: true) ?? candidates(strict: false)
    }
}
