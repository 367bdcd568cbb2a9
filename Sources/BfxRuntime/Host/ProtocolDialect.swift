import BfxClient
import BfxProtocol
import Foundation

/// What one recorded session showed about the protocol points that no source settles (the
/// UNVERIFIED and CONFLICT points of docs/protocol.md): for each point, the variants the server
/// actually used and how often. `bfxrun doctor` observes the live session and a short session
/// against the embedded simulator with the same configuration, and prints where they differ —
/// the evidence for "the simulator does not behave like the exchange here".
///
/// Observation reads the raw frames of a recording (not the client's decoded view), so it sees
/// what the server sent even where the client normalises it.
public struct ProtocolDialect: Sendable, Hashable, Codable {
    /// One variant of one point, as seen in the session.
    public struct Observation: Sendable, Hashable, Codable {
        /// The point (for example `subscribed.subId`).
        public var point: String
        /// The variant seen (for example `number`).
        public var variant: String
        /// How many frames showed it.
        public var count: Int
        /// False when bfxkit does not know this variant (send the recording: docs/troubleshooting.md).
        public var known: Bool
    }

    /// A point where the session and the simulator used different variants.
    public struct Difference: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The protocol point, such as `subscribed.subId` (see the observation list).
        public var point: String
        /// The variants of the observed session.
        public var observed: [String]
        /// The variants of the simulator's session.
        public var simulator: [String]
        /// `point: observed a, b; simulator c`.
        public var description: String {
            "\(point): observed \(observed.joined(separator: ", ")); simulator \(simulator.joined(separator: ", "))"
        }
    }

    /// Every observation, sorted by point then variant.
    public var observations: [Observation]
    /// The smallest (receive time − trade MTS) over every live trade event, in milliseconds: the
    /// network delay minus how far this clock is behind the exchange's. Negative means this
    /// clock is behind by at least that much. Nil without trade events.
    public var minimumTradeLagMillis: Int64?

    /// An empty dialect.
    public init(observations: [Observation] = [], minimumTradeLagMillis: Int64? = nil) {
        self.observations = observations
        self.minimumTradeLagMillis = minimumTradeLagMillis
    }

    /// The variants seen for `point`, sorted.
    public func variants(of point: String) -> [String] {
        observations.filter { $0.point == point }.map(\.variant).sorted()
    }

    /// Observations of variants bfxkit does not know.
    public var unknown: [Observation] { observations.filter { !$0.known } }

    /// The points observed in both sessions whose variants differ.
    public func differences(from simulator: ProtocolDialect) -> [Difference] {
        let points = Set(observations.map(\.point)).intersection(simulator.observations.map(\.point))
        return points.sorted().compactMap { point in
            let mine = variants(of: point), theirs = simulator.variants(of: point)
            return mine == theirs ? nil : Difference(point: point, observed: mine, simulator: theirs)
        }
    }

    /// Reads the recording at `path` (every segment) and observes every frame.
    /// - Throws: `RecordingError` (from BfxClient) when a segment cannot be read.
    public static func observe(recording path: String) throws -> ProtocolDialect {
        var reader = try RecordingReader(path: path)
        var observer = ProtocolDialectObserver()
        try reader.forEachRecord { view, line in
            let payload = UnsafeRawBufferPointer(rebasing: line[min(view.payloadOffset, line.count)...])
            observer.feed(view, payload: payload)
        }
        return observer.finish()
    }
}

/// The accumulator behind ``ProtocolDialect/observe(recording:)``; fed record by record, so a
/// test can feed handmade frames.
struct ProtocolDialectObserver {
    private struct Key: Hashable {
        var point: String
        var variant: String
    }

    private struct Channel {
        var kind: String
        var symbol: String
        var prec = ""
        var snapshotSeen = false
        var checksums = 0
        var frames = 0
    }

    private struct Connection {
        var flags: Int64 = 0
        var confSent = false
        var confAnswered = false
        var subIdsRequested: Set<String> = []
        var channels: [Int64: Channel] = [:]
    }

    private var counts: [Key: (count: Int, known: Bool)] = [:]
    private var connections: [Int: Connection] = [:]
    private var minimumTradeLag: Int64?

    static let checksumFlag: Int64 = 131_072
    static let sequenceFlag: Int64 = 65_536

    mutating func note(_ point: String, _ variant: String, known: Bool = true) {
        let key = Key(point: point, variant: variant)
        let old = counts[key] ?? (0, known)
        counts[key] = (old.count + 1, old.known && known)
    }

    mutating func feed(_ view: RecordLineView, payload: UnsafeRawBufferPointer) {
        switch view.direction {
        case .open:
            connections[view.connection] = Connection()
        case .close:
            finishConnection(view.connection)
            connections[view.connection] = nil
        case .outbound:
            guard !RecordLine.isRedacted(payload), let value = try? JSONValue.parse(payload) else { return }
            outbound(value, connection: view.connection)
        case .inbound:
            guard !RecordLine.isRedacted(payload), let value = try? JSONValue.parse(payload) else { return }
            inbound(value, micros: view.micros, connection: view.connection)
        }
    }

    mutating func outbound(_ value: JSONValue, connection id: Int) {
        guard let event = value["event"]?.string else { return }
        var connection = connections[id] ?? Connection()
        switch event {
        case "conf":
            connection.confSent = true
            connection.flags = value["flags"]?.int64 ?? 0
        case "subscribe":
            if let subId = value["subId"] { connection.subIdsRequested.insert(subId.number?.text ?? subId.string ?? "") }
        default:
            break
        }
        connections[id] = connection
    }

    mutating func inbound(_ value: JSONValue, micros: UInt64, connection id: Int) {
        if let event = value["event"]?.string {
            self.event(event, value, connection: id)
        } else if let frame = value.array, let chanId = frame.first?.int64 {
            if chanId == 0 {
                accountFrame(frame, connection: id)
            } else {
                channelFrame(frame, chanId: chanId, micros: micros, connection: id)
            }
        }
    }

    private mutating func event(_ event: String, _ value: JSONValue, connection id: Int) {
        var connection = connections[id] ?? Connection()
        defer { connections[id] = connection }
        switch event {
        case "info":
            if let version = value["version"] { note("info.version", version.number?.text ?? "\(version)", known: version.int == 2) }
            if let status = value["platform"]?["status"]?.int {
                note("info.platform", status == 1 ? "1 operative" : "\(status) maintenance", known: status == 0 || status == 1)
            }
        case "conf":
            connection.confAnswered = true
            let status = value["status"]?.string ?? "absent"
            if status == "OK" {
                note("conf.ack", value["flags"] == nil ? "OK" : "OK with flags")
            } else {
                note("conf.ack", "status \(status)", known: value["status"]?.string != nil)
            }
        case "subscribed":
            if let subId = value["subId"] {
                note("subscribed.subId", subId.string != nil ? "string" : subId.number != nil ? "number" : "other",
                     known: subId.string != nil || subId.number != nil)
            } else if !connection.subIdsRequested.isEmpty {
                note("subscribed.subId", "not echoed", known: false)
            }
            if let chanId = value["chanId"]?.int64, let channel = value["channel"]?.string {
                connection.channels[chanId] = Channel(kind: channel, symbol: value["symbol"]?.string ?? value["key"]?.string ?? "",
                                                      prec: value["prec"]?.string ?? "")
            }
        case "unsubscribed":
            if let chanId = value["chanId"]?.int64, let channel = connection.channels.removeValue(forKey: chanId) {
                finishChannel(channel, flags: connection.flags)
            }
        case "error":
            let echoed = ["channel", "symbol", "key", "subId", "prec", "len", "pair"].contains { value[$0] != nil }
            note("error.echo", echoed ? "request fields echoed" : "code and msg only")
        case "auth":
            let status = value["status"]?.string ?? "absent"
            switch value["caps"] {
            case .some(.object): note("auth.caps", "object")
            case .some(.string): note("auth.caps", "string")
            case .none: note("auth.caps", status == "OK" ? "absent" : "absent on failure", known: status != "OK")
            default: note("auth.caps", "other", known: false)
            }
        default:
            break
        }
    }

    private mutating func accountFrame(_ frame: [JSONValue], connection id: Int) {
        guard frame.count >= 3, let type = frame[1].string, type != "hb" else { return }
        guard type == "n", let notification = frame[2].array else { return }
        let notifyType = notification.count > 1 ? notification[1].string ?? "" : ""
        if notifyType.hasSuffix("-req"), notification.count > 4 {
            if case .array(let info) = notification[4] {
                if case .array = info.first { note("notification.info", "array of rows") } else { note("notification.info", "one row") }
            } else if notification[4].isNull {
                note("notification.info", "null")
            }
            if (connections[id]?.flags ?? 0) & Self.sequenceFlag != 0 {
                let trailing = frame.dropFirst(3).filter { $0.number != nil }.count
                note("seq.req-notification", trailing == 1 ? "auth seq only" : trailing == 2 ? "public and auth seq" : "\(trailing) numbers",
                     known: trailing == 1 || trailing == 2)
            }
        }
    }

    private mutating func channelFrame(_ frame: [JSONValue], chanId: Int64, micros: UInt64, connection id: Int) {
        guard var connection = connections[id], var channel = connection.channels[chanId], frame.count >= 2 else { return }
        defer {
            connection.channels[chanId] = channel
            connections[id] = connection
        }
        channel.frames += 1
        if connection.flags & Self.sequenceFlag != 0 {
            let last = frame[frame.count - 1]
            note("seq.public", last.number != nil && frame.count >= 3 ? "trailing public seq" : "absent")
        }
        if let tag = frame[1].string {
            switch tag {
            case "cs": channel.checksums += 1
            case "te", "fte":
                if frame.count >= 3, let row = frame[2].array, row.count >= 2, let mts = row[1].int64 {
                    let lag = Int64(micros / 1000) - mts
                    minimumTradeLag = min(minimumTradeLag ?? lag, lag)
                }
            default: break
            }
            return
        }
        guard channel.kind == "book" || channel.kind == "ticker", case .array(let payload) = frame[1] else { return }
        if channel.kind == "ticker" {
            if channel.symbol.hasPrefix("f") {
                note("ticker.funding.fields", "\(payload.count) fields", known: payload.count == 16)
                // PERIOD is a whole number of 1…120 days: before SIZE (docs) or after it (Node)
                if payload.count >= 7 {
                    func isPeriod(_ v: JSONValue) -> Bool { v.number.map(FundingTicker.isPeriod) ?? false }
                    let docs = isPeriod(payload[2]) && isPeriod(payload[5])
                    let node = isPeriod(payload[3]) && isPeriod(payload[6])
                    if docs != node { note("ticker.funding.order", docs ? "docs" : "node") }
                }
            }
            return
        }
        let rows: [[JSONValue]]
        if case .array = payload.first {
            if channel.snapshotSeen { note("book.update.rows", "several rows in one frame") } else {
                noteSnapshotOrder(payload, raw: channel.prec == "R0", funding: channel.symbol.hasPrefix("f"))
            }
            channel.snapshotSeen = true
            rows = payload.compactMap(\.array)
        } else {
            if channel.snapshotSeen { note("book.update.rows", "one row per frame") }
            rows = [payload]
        }
        var eNotation = false
        for row in rows {
            for field in row {
                if let text = field.number?.text, text.contains(where: { $0 == "e" || $0 == "E" }) { eNotation = true }
            }
        }
        note("book.numbers", eNotation ? "e-notation" : "fixed notation")
    }

    /// What a book snapshot shows of the server's rules for equal keys, read with the book's own
    /// rules (`OrderBook.consistentTieOrders`, `OrderBook.sharedRates`): R0 orders of one price by
    /// ascending or descending id, or neither (`book.raw.ties`); funding P levels sharing a rate
    /// (`book.funding.levels`: `rate and period`). Nothing is noted without equal keys.
    private mutating func noteSnapshotOrder(_ rows: [JSONValue], raw: Bool, funding: Bool) {
        if raw {
            let entries = rows.compactMap { try? RawBookEntry(row: $0, funding: funding) }
            guard let consistent = OrderBook.consistentTieOrders(of: entries) else { return }
            note("book.raw.ties", consistent.contains(.ascendingID) ? "ascending id" : consistent.contains(.descendingID) ? "descending id" : "other order")
        } else if funding {
            let entries = rows.compactMap { try? BookEntry(row: $0, funding: true) }
            if OrderBook.sharedRates(in: entries) != nil { note("book.funding.levels", "rate and period") }
        }
    }

    private mutating func finishChannel(_ channel: Channel, flags: Int64) {
        guard channel.kind == "book", flags & Self.checksumFlag != 0, channel.frames > 0 else { return }
        note(channel.symbol.hasPrefix("f") ? "book.checksum.funding" : "book.checksum.trading",
             channel.checksums > 0 ? "cs frames" : "no cs frames")
    }

    private mutating func finishConnection(_ id: Int) {
        guard let connection = connections[id] else { return }
        if connection.confSent && !connection.confAnswered { note("conf.ack", "not answered") }
        for channel in connection.channels.values { finishChannel(channel, flags: connection.flags) }
        connections[id]?.channels = [:]
        connections[id]?.confSent = false
    }

    mutating func finish() -> ProtocolDialect {
        for id in connections.keys.sorted() { finishConnection(id) }
        let observations = counts.map { ProtocolDialect.Observation(point: $0.key.point, variant: $0.key.variant, count: $0.value.count, known: $0.value.known) }
            .sorted { ($0.point, $0.variant) < ($1.point, $1.variant) }
        return ProtocolDialect(observations: observations, minimumTradeLagMillis: minimumTradeLag)
    }
}
