import BfxClient
import BfxProtocol

/// A recording loaded for serving (`ReplayServer`): one ``Channel`` per recorded channel
/// subscription — its `subscribed` event and its data frames in order, stripped of the recorded
/// chanId, SEQ_ALL number and timestamp so each local connection gets its own.
public struct ReplayTape: Sendable {
    /// One recorded channel: what the server confirmed and every data frame it then sent.
    public struct Channel: Sendable {
        /// The recorded `subscribed` event (its chanId is the recorded one).
        public var subscribed: SubscribedEvent
        /// Receive times (µs since the epoch), one per frame.
        public var micros: [UInt64] = []
        /// The frames' fragments: the text between `[chanId,` and the trailing seq/timestamp
        /// (for example `"hb"`, `"cs",-12345`, `[[101,1,2]]`).
        public var fragments: [[UInt8]] = []

        /// `channel symbol-or-key [prec len]` (as `ReplayCheck`).
        public var name: String {
            var parts = [subscribed.channel, subscribed.symbol ?? subscribed.key ?? "?"]
            if let prec = subscribed.prec { parts.append(prec) }
            if let len = subscribed.len { parts.append(len) }
            return parts.joined(separator: " ")
        }
    }

    /// Every recorded subscription in order (a channel resubscribed after a reconnect appears
    /// once per subscription).
    public private(set) var channels: [Channel] = []
    /// The first `info` event received, served to every local connection (nil: a generic one).
    public private(set) var info: String?
    /// Frames that could not be attributed (unknown chanId, undecodable).
    public private(set) var skippedFrames = 0
    /// The final books of the recording (for `GET /v2/book/…`), as `ReplayCheck` reports them.
    public private(set) var finalBooks: [ReplayCheck.BookResult] = []

    private struct Connection {
        var flags: Int64 = 0
        var channelIndex: [Int64: Int] = [:]
    }

    /// Loads the recording at `path` (rotated segments first).
    /// - Throws: `RecordingError` when it cannot be read.
    public init(path: String) throws {
        var reader = try RecordingReader(path: path)
        var connections: [Int: Connection] = [:]
        var tape = ReplayTape()
        var check = ReplayCheck()
        try reader.forEachRecord { view, line in
            check.feed(view, line: line)
            let payload = UnsafeRawBufferPointer(rebasing: line[min(view.payloadOffset, line.count)...])
            switch view.direction {
            case .open:
                connections[view.connection] = Connection()
            case .close:
                connections[view.connection] = nil
            case .outbound:
                if let flags = Self.confFlags(payload) { connections[view.connection, default: Connection()].flags = flags }
            case .inbound:
                tape.inbound(payload, micros: view.micros, connection: &connections[view.connection, default: Connection()])
            }
        }
        tape.finalBooks = check.finish().books
        self = tape
    }

    /// The last recorded ticker of `symbol` as REST's `GET /v2/ticker/SYMBOL` returns it.
    func lastTicker(_ symbol: String) -> String? {
        let candidates = channels.filter { $0.subscribed.channel == "ticker" && $0.subscribed.symbol == symbol }
        guard let channel = candidates.max(by: { $0.fragments.count < $1.fragments.count }) else { return nil }
        for fragment in channel.fragments.reversed() where fragment.first == UInt8(ascii: "[") {
            // A snapshot/update fragment is the ticker array itself.
            return String(decoding: fragment, as: UTF8.self)
        }
        return nil
    }

    /// The final recorded book of `symbol` at `prec` as REST's `GET /v2/book/SYMBOL/PREC`
    /// returns it (trading books: bids then asks, at most `len` per side).
    func restBook(_ symbol: String, prec: String, len: Int) -> String? {
        guard symbol.hasPrefix("t"), let book = finalBooks.first(where: { $0.channel.hasPrefix("book \(symbol) \(prec) ") }) else { return nil }
        let raw = prec == "R0"
        let rows = (book.bids.prefix(len) + book.asks.prefix(len)).compactMap { r -> String? in
            guard r.count == 3 else { return nil }
            return raw ? "[\(r[1]),\(r[0]),\(r[2])]" : "[\(r[0]),\(r[1]),\(r[2])]"
        }
        return "[" + rows.joined(separator: ",") + "]"
    }

    private init() {}

    private mutating func inbound(_ payload: UnsafeRawBufferPointer, micros: UInt64, connection: inout Connection) {
        guard let first = payload.first else { return }
        if first == UInt8(ascii: "{") {
            guard let value = try? JSONValue.parse(payload), let object = value.object else { return }
            switch object["event"]?.string {
            case "info":
                if info == nil, object["version"] != nil { info = String(decoding: payload, as: UTF8.self) }
            case "subscribed":
                var decoder = FrameDecoder()
                if case .event(.subscribed(let event))? = try? decoder.decode(payload) {
                    connection.channelIndex[event.chanId] = channels.count
                    channels.append(Channel(subscribed: event))
                }
            case "unsubscribed":
                if let chanId = object["chanId"]?.int64 { connection.channelIndex[chanId] = nil }
            default:
                break
            }
            return
        }
        guard let chanId = FrameDecoder.leadingChanId(payload), let index = connection.channelIndex[chanId],
              let fragment = Self.fragment(payload, trailing: Self.trailingCount(flags: connection.flags)) else {
            skippedFrames += 1
            return
        }
        channels[index].micros.append(micros)
        channels[index].fragments.append(fragment)
    }

    /// Top-level numbers SEQ_ALL (65536) and TIMESTAMP (32768) append to channel packets.
    static func trailingCount(flags: Int64) -> Int {
        (flags & 65_536 != 0 ? 1 : 0) + (flags & 32_768 != 0 ? 1 : 0)
    }

    /// `flags` of an outbound `conf` request.
    static func confFlags(_ payload: UnsafeRawBufferPointer) -> Int64? {
        guard payload.first == UInt8(ascii: "{"), RecordRedaction.contains(payload, Array("\"conf\"".utf8)),
              let object = try? JSONValue.parse(payload).object, object["event"]?.string == "conf" else { return nil }
        return object["flags"]?.int64
    }

    /// The bytes between `[chanId,` and the last `trailing` top-level elements (nil when the
    /// frame is not an array of at least 2 + `trailing` elements).
    static func fragment(_ frame: UnsafeRawBufferPointer, trailing: Int) -> [UInt8]? {
        var commas: [Int] = []
        var depth = 0
        var inString = false
        var escaped = false
        var end = -1
        for i in 0..<frame.count {
            let b = frame[i]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { end = i }
            case UInt8(ascii: ","):
                if depth == 1 { commas.append(i) }
            default: break
            }
            if end >= 0 { break }
        }
        guard end > 0, commas.count >= 1 + trailing else { return nil }
        let start = commas[0] + 1
        let stop = trailing == 0 ? end : commas[commas.count - trailing]
        guard stop > start else { return nil }
        return Array(frame[start..<stop])
    }
}
