/// Decodes Bitfinex WebSocket v2 text frames into typed ``Frame`` values.
///
/// One decoder per connection: it keeps the chanId → ``ChannelKind`` registry (filled from
/// `subscribed` events, or by ``register(chanId:kind:)``) because public payloads are only
/// distinguishable by their channel. Book updates, `hb` and `cs` frames take an allocation-free
/// fast path; everything else goes through the strict ``JSONValue`` scanner. Malformed input
/// throws ``FrameDecodingError``; unknown events, types and chanIds yield `.unknown…` values.
/// See docs/adr/0002-decoder-design.md.
public struct FrameDecoder: Sendable {
    struct ChannelState: Sendable {
        var kind: ChannelKind
        var snapshotSeen: Bool
    }

    var channels: [Int64: ChannelState] = [:]

    /// Maximum JSON nesting accepted (Bitfinex frames nest at most 4–5 levels).
    public var maxDepth: Int = 32

    /// Creates a decoder with an empty channel registry.
    public init() {}

    /// Registers (or replaces) the kind of `chanId`; the next array-of-rows on it is a snapshot.
    public mutating func register(chanId: Int64, kind: ChannelKind) {
        channels[chanId] = ChannelState(kind: kind, snapshotSeen: false)
    }

    /// Removes `chanId` from the registry.
    public mutating func unregister(chanId: Int64) {
        channels[chanId] = nil
    }

    /// Removes every channel (e.g. on reconnect: chanIds are per connection).
    public mutating func removeAllChannels() {
        channels.removeAll(keepingCapacity: true)
    }

    /// The registered kind of `chanId`.
    public func kind(of chanId: Int64) -> ChannelKind? {
        channels[chanId]?.kind
    }

    /// All registered channels.
    public var registeredChannels: [Int64: ChannelKind] {
        channels.mapValues(\.kind)
    }

    // MARK: Entry points

    /// Decodes one frame from raw memory (the bytes are not retained unless an error is thrown).
    public mutating func decode(_ buffer: UnsafeRawBufferPointer) throws(FrameDecodingError) -> Frame {
        if let fast = fastPath(buffer) { return fast }
        return try decodeGeneral(buffer)
    }

    /// Decodes one frame from bytes.
    public mutating func decode(_ bytes: [UInt8]) throws(FrameDecodingError) -> Frame {
        try bytes.withUnsafeBytes { buf in
            Result { () throws(FrameDecodingError) -> Frame in try self.decode(buf) }
        }.get()
    }

    /// Decodes one frame from a string.
    public mutating func decode(_ text: String) throws(FrameDecodingError) -> Frame {
        var copy = text
        return try copy.withUTF8 { buf in
            Result { () throws(FrameDecodingError) -> Frame in try self.decode(UnsafeRawBufferPointer(buf)) }
        }.get()
    }

    // MARK: General path

    mutating func decodeGeneral(_ buffer: UnsafeRawBufferPointer) throws(FrameDecodingError) -> Frame {
        var scanner = JSONScanner(buffer, maxDepth: maxDepth)
        let value = try scanner.parseDocument()
        do throws(FrameDecodingError) {
            switch value {
            case .object(let object):
                return .event(try decodeEvent(object))
            case .array(let elements):
                return try decodeArray(elements, whole: value)
            default:
                throw FrameDecodingError(reason: .unexpectedShape("top level must be an array or object, got \(value.typeName)"), offset: 0, frame: [])
            }
        } catch {
            // Attach the frame bytes to errors raised by model decoding.
            throw FrameDecodingError(reason: error.reason, offset: error.offset, frame: buffer)
        }
    }

    /// Accepts the signed Int32 form (documented) and the unsigned form (some libraries).
    static func checksumValue(_ raw: Int64) -> Int32? {
        if let v = Int32(exactly: raw) { return v }
        if raw >= 0 && raw <= Int64(UInt32.max) { return Int32(truncatingIfNeeded: raw) }
        return nil
    }

    func shape(_ text: String) -> FrameDecodingError {
        FrameDecodingError(reason: .unexpectedShape(text), offset: -1, frame: [])
    }

    /// Splits trailing SEQ/TIMESTAMP integers (see ``FrameMeta/timestampThreshold``).
    func meta(_ trailing: ArraySlice<JSONValue>, channelZero: Bool, notification: Bool) -> FrameMeta {
        var meta = FrameMeta()
        var seqs: [Int64] = []
        for element in trailing {
            guard let v = element.int64 else { continue }
            if v >= FrameMeta.timestampThreshold && meta.timestamp == nil {
                meta.timestamp = v
            } else {
                seqs.append(v)
            }
        }
        if channelZero {
            if seqs.count >= 2 {
                meta.seq = seqs[0]
                meta.authSeq = seqs[1]
            } else if seqs.count == 1 {
                if notification { meta.authSeq = seqs[0] } else { meta.seq = seqs[0] }
            }
        } else {
            meta.seq = seqs.first
        }
        return meta
    }

    mutating func decodeArray(_ a: [JSONValue], whole: JSONValue) throws(FrameDecodingError) -> Frame {
        guard a.count >= 2 else { throw shape("channel frame needs at least 2 elements") }
        guard let chanId = a[0].int64 else {
            throw FrameDecodingError(reason: .invalidField(name: "chanId", expected: "integer"), offset: -1, frame: [])
        }
        if case .string(let type) = a[1] {
            let isZero = chanId == 0
            switch type {
            case "hb":
                return .heartbeat(chanId: chanId, meta: meta(a[2...], channelZero: isZero, notification: false))
            case "cs":
                guard a.count >= 3, let raw = a[2].int64, let value = FrameDecoder.checksumValue(raw) else {
                    throw FrameDecodingError(reason: .invalidField(name: "checksum", expected: "32-bit integer"), offset: -1, frame: [])
                }
                return .checksum(chanId: chanId, value: value, meta: meta(a[3...], channelZero: isZero, notification: false))
            default:
                break
            }
            let data: JSONValue = a.count >= 3 ? a[2] : .null
            if isZero {
                let m = meta(a.count > 3 ? a[3...] : [], channelZero: true, notification: type == "n")
                return .user(try decodeUser(type: type, data), meta: m)
            }
            let m = meta(a.count > 3 ? a[3...] : [], channelZero: false, notification: false)
            guard let state = channels[chanId] else { return .unknownChannel(chanId: chanId, whole) }
            switch type {
            case "te", "tu", "fte", "ftu":
                let kind: TradeEventKind = (type == "te" || type == "fte") ? .executed : .updated
                let funding = type.hasPrefix("f") || state.kind.isFunding
                if funding { return .fundingTrade(chanId: chanId, kind, try FundingTrade(row: data), meta: m) }
                return .trade(chanId: chanId, kind, try Trade(row: data), meta: m)
            default:
                return .unknown(whole)
            }
        }
        guard case .array(let payload) = a[1] else {
            throw FrameDecodingError(reason: .invalidField(name: "payload", expected: "array or message type string"), offset: -1, frame: [])
        }
        if chanId == 0 { return .unknown(whole) }
        let m = meta(a[2...], channelZero: false, notification: false)
        guard let state = channels[chanId] else { return .unknownChannel(chanId: chanId, whole) }
        let nested = payload.isEmpty || { if case .array = payload[0] { return true } else { return false } }()
        switch state.kind {
        case .book(let funding):
            if nested {
                var entries: [BookEntry] = []
                entries.reserveCapacity(payload.count)
                for row in payload { entries.append(try BookEntry(row: row, funding: funding)) }
                if state.snapshotSeen { return .bookUpdates(chanId: chanId, entries, meta: m) }
                channels[chanId]?.snapshotSeen = true
                return .bookSnapshot(chanId: chanId, entries, meta: m)
            }
            return .bookUpdate(chanId: chanId, try BookEntry(row: a[1], funding: funding), meta: m)
        case .rawBook(let funding):
            if nested {
                var entries: [RawBookEntry] = []
                entries.reserveCapacity(payload.count)
                for row in payload { entries.append(try RawBookEntry(row: row, funding: funding)) }
                if state.snapshotSeen { return .rawBookUpdates(chanId: chanId, entries, meta: m) }
                channels[chanId]?.snapshotSeen = true
                return .rawBookSnapshot(chanId: chanId, entries, meta: m)
            }
            return .rawBookUpdate(chanId: chanId, try RawBookEntry(row: a[1], funding: funding), meta: m)
        case .ticker(let funding):
            if funding { return .fundingTicker(chanId: chanId, try FundingTicker(row: a[1]), meta: m) }
            return .ticker(chanId: chanId, try Ticker(row: a[1]), meta: m)
        case .trades(let funding):
            if nested {
                if funding {
                    var rows: [FundingTrade] = []
                    for row in payload { rows.append(try FundingTrade(row: row)) }
                    return .fundingTradesSnapshot(chanId: chanId, rows, meta: m)
                }
                var rows: [Trade] = []
                for row in payload { rows.append(try Trade(row: row)) }
                return .tradesSnapshot(chanId: chanId, rows, meta: m)
            }
            if funding { return .fundingTrade(chanId: chanId, .executed, try FundingTrade(row: a[1]), meta: m) }
            return .trade(chanId: chanId, .executed, try Trade(row: a[1]), meta: m)
        case .candles:
            if nested {
                var rows: [Candle] = []
                for row in payload { rows.append(try Candle(row: row)) }
                return .candlesSnapshot(chanId: chanId, rows, meta: m)
            }
            return .candleUpdate(chanId: chanId, try Candle(row: a[1]), meta: m)
        case .derivStatus:
            return .derivStatus(chanId: chanId, try DerivStatus(row: a[1]), meta: m)
        case .liquidations:
            var rows: [Liquidation] = []
            if nested {
                for row in payload { rows.append(try Liquidation(row: row)) }
            } else {
                rows.append(try Liquidation(row: a[1]))
            }
            return .liquidations(chanId: chanId, rows, meta: m)
        }
    }
}
