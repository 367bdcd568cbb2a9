import BfxProtocol

/// Feeds a recording's inbound frames straight through the decoder, the order books, the
/// checksum comparison and the SEQ_ALL audit — no sockets, no client — and reports what it saw:
/// `bfxrun replay FILE --check` (docs/recording.md).
///
/// Each recorded connection gets its own `FrameDecoder` (chanIds are per socket)
/// and `SequenceAuditor`; each `subscribed` event starts a channel. The final books
/// are those of the last channel of each description (after reconnects and resyncs, the newest
/// subscription holds the current book).
public struct ReplayCheck: Sendable {
    /// What one recorded channel subscription went through.
    public struct ChannelResult: Sendable, Hashable, Codable {
        /// `channel symbol-or-key [prec len]`, for example `book tBTCUSD P0 25`.
        public var channel: String
        /// The recorder's connection id.
        public var connection: Int
        /// The server's chanId on that connection.
        public var chanId: Int64
        /// Data frames (heartbeats included).
        public var frames = 0
        /// Checksums equal to the book's CRC-32.
        public var checksumsVerified = 0
        /// Checksums that differed.
        public var checksumMismatches = 0
        /// SEQ_ALL gaps or duplicates first seen on this channel's frames.
        public var sequenceProblems = 0
        /// Frames of this channel that did not decode.
        public var decodeErrors = 0
    }

    /// A final order book.
    public struct BookResult: Sendable, Hashable, Codable {
        /// The channel description (see ``ChannelResult/channel``).
        public var channel: String
        /// CRC-32 of the book as Bitfinex computes it.
        public var checksum: Int32
        /// Bids best first: `[price, count or order id, amount]` as wire text.
        public var bids: [[String]]
        /// Asks best first, same shape.
        public var asks: [[String]]
    }

    /// The whole result.
    public struct Report: Sendable, Hashable, Codable {
        /// Records read (every direction).
        public var records = 0
        /// Frames received.
        public var inboundFrames = 0
        /// Frames sent (redacted ones included).
        public var outboundFrames = 0
        /// Frames replaced by the redaction marker.
        public var redactedFrames = 0
        /// Connections opened.
        public var connections = 0
        /// Inbound frames that did not decode.
        public var decodeErrors = 0
        /// SEQ_ALL gaps and duplicates over all connections.
        public var sequenceProblems = 0
        /// Every channel subscription, in order of subscription.
        public var channels: [ChannelResult] = []
        /// The final books by channel description.
        public var books: [BookResult] = []
        /// Segments that ended early (crash-truncated), from the reader.
        public var truncatedSegments = 0
        /// Lines that were not records.
        public var malformedLines = 0
    }

    struct Connection {
        var decoder = FrameDecoder()
        var auditor = SequenceAuditor()
        var channelIndex: [Int64: Int] = [:]
    }

    /// Per recorded connection id, its slot in `slots` (mutated in place on the hot path).
    private var connections: [Int: Int] = [:]
    private var slots: [Connection] = []
    /// The connection of the previous inbound record and its slot (records of one connection
    /// come in runs: no hashing for those).
    private var lastConnection: (id: Int, slot: Int)?
    private var tally = Tally()
    private var report: Report {
        get { tally.report }
        _modify { yield &tally.report }
    }

    /// An empty check.
    public init() {}

    /// Feeds one record (`line` is its whole text, `view` its parsed fields).
    public mutating func feed(_ view: RecordLineView, line: UnsafeRawBufferPointer) {
        report.records += 1
        let payload = UnsafeRawBufferPointer(rebasing: line[min(view.payloadOffset, line.count)...])
        switch view.direction {
        case .open:
            report.connections += 1
            if let slot = connections[view.connection] { slots[slot] = Connection() } else {
                connections[view.connection] = slots.count
                slots.append(Connection())
            }
            lastConnection = nil
        case .close:
            if let slot = connections[view.connection] { slots[slot] = Connection() }
            lastConnection = nil
        case .outbound:
            report.outboundFrames += 1
            if RecordLine.isRedacted(payload) { report.redactedFrames += 1 }
        case .inbound:
            report.inboundFrames += 1
            if RecordLine.isRedacted(payload) {
                report.redactedFrames += 1
                return
            }
            let slot: Int
            if let last = lastConnection, last.id == view.connection {
                slot = last.slot
            } else if let known = connections[view.connection] {
                slot = known
            } else {
                // A recording that starts mid-connection (rotated away) still gets a decoder.
                slot = slots.count
                connections[view.connection] = slot
                slots.append(Connection())
            }
            lastConnection = (view.connection, slot)
            // Disjoint stored properties: the connection is mutated in place, never copied.
            tally.inbound(payload, connection: view.connection, state: &slots[slot])
        }
    }
}

/// What the check accumulates besides the per-connection decoders: the report and the books.
private struct Tally {
    /// By channel index (an array: mutated in place, no hashing per frame).
    var books: [OrderBook?] = []
    var latestBookChannel: [String: Int] = [:]
    var report = ReplayCheck.Report()

    typealias Connection = ReplayCheck.Connection

    mutating func inbound(_ payload: UnsafeRawBufferPointer, connection id: Int, state connection: inout Connection) {
        let frame: Frame
        do {
            frame = try connection.decoder.decode(payload)
        } catch {
            report.decodeErrors += 1
            if let chanId = FrameDecoder.leadingChanId(payload), let index = connection.channelIndex[chanId] {
                report.channels[index].decodeErrors += 1
            }
            return
        }
        // The hot frames of a public session first, each bound once from the decoded value (no
        // copies of the frame through `chanId`, `meta` and the book's `apply(frame:)`).
        switch frame {
        case .bookUpdate(let chanId, let entry, let meta) where chanId != 0:
            guard let index = channel(chanId, meta, &connection) else { return }
            books[index]?.apply(entry)
            return
        case .rawBookUpdate(let chanId, let entry, let meta) where chanId != 0:
            guard let index = channel(chanId, meta, &connection) else { return }
            books[index]?.apply(entry)
            return
        case .checksum(let chanId, let value, let meta) where chanId != 0:
            guard let index = channel(chanId, meta, &connection) else { return }
            if let computed = books[index]?.checksum() {
                if computed == value { report.channels[index].checksumsVerified += 1 } else { report.channels[index].checksumMismatches += 1 }
            }
            return
        case .trade(let chanId, _, _, let meta) where chanId != 0, .heartbeat(let chanId, let meta) where chanId != 0:
            _ = channel(chanId, meta, &connection)
            return
        default:
            break
        }
        guard let chanId = frame.chanId else {
            if case .event(.subscribed(let event)) = frame { subscribed(event, connection: id, state: &connection) }
            if case .event(.unsubscribed(let event)) = frame { connection.channelIndex[event.chanId] = nil }
            return
        }
        if chanId == 0 {
            audit(frame, connection: &connection)
            return
        }
        // Public channels carry no notifications: their audit needs the metadata only.
        guard let index = channel(chanId, frame.meta, &connection) else { return }
        switch frame {
        case .bookSnapshot, .bookUpdates, .rawBookSnapshot, .rawBookUpdates:
            books[index]?.apply(frame: frame)
        default:
            break
        }
    }

    /// A data frame of a public channel: counted on its channel and audited. Returns the
    /// channel's index (`nil`: a chanId this connection did not subscribe, not audited).
    @inline(__always)
    mutating func channel(_ chanId: Int64, _ meta: FrameMeta, _ connection: inout Connection) -> Int? {
        guard let index = connection.channelIndex[chanId] else { return nil }
        report.channels[index].frames += 1
        if connection.auditor.observe(meta, isNotification: false).isProblem {
            report.sequenceProblems += 1
            report.channels[index].sequenceProblems += 1
        }
        return index
    }

    /// A channel-0 frame (account data, where `n` notifications are audited differently).
    mutating func audit(_ frame: Frame, connection: inout Connection) {
        if connection.auditor.observe(frame).isProblem { report.sequenceProblems += 1 }
    }

    mutating func subscribed(_ event: SubscribedEvent, connection id: Int, state: inout Connection) {
        var parts = [event.channel, event.symbol ?? event.key ?? "?"]
        if let prec = event.prec { parts.append(prec) }
        if let len = event.len { parts.append(len) }
        let name = parts.joined(separator: " ")
        let index = report.channels.count
        report.channels.append(ReplayCheck.ChannelResult(channel: name, connection: id, chanId: event.chanId))
        state.channelIndex[event.chanId] = index
        books.append(nil)
        if let kind = ChannelKind(subscribed: event), let book = OrderBook(kind: kind) {
            books[index] = book
            latestBookChannel[name] = index
        }
    }

}

extension ReplayCheck {
    /// The report, with the final books.
    public func finish(reader: RecordingReader? = nil) -> Report {
        let books = tally.books
        var result = tally.report
        result.truncatedSegments = reader?.truncatedSegments ?? 0
        result.malformedLines = reader?.malformedLines ?? 0
        result.books = tally.latestBookChannel.sorted { $0.key < $1.key }.compactMap { name, index in
            guard let book = books[index] else { return nil }
            func rows(_ levels: [BookLevel]) -> [[String]] {
                levels.map { [$0.price.text, $0.orderId.map(String.init) ?? String($0.count), $0.amount.text] }
            }
            return BookResult(channel: name, checksum: book.checksum(), bids: rows(book.bids), asks: rows(book.asks))
        }
        return result
    }

    /// Reads the whole recording at `path` and checks it.
    /// - Throws: ``RecordingError`` when the file cannot be read.
    public static func run(path: String) throws -> Report {
        var reader = try RecordingReader(path: path)
        var check = ReplayCheck()
        try reader.forEachRecord { view, line in check.feed(view, line: line) }
        return check.finish(reader: reader)
    }
}
