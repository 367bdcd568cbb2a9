import BfxProtocol

/// One subscribed view of a book (precision + length + frequency), shared by every connection that
/// subscribed with the same parameters. It remembers the rows it last published so each flush
/// sends exactly the difference — levels entering the top `len` appear, levels leaving it are
/// deleted — which keeps every client's book equal to `published` and makes `cs` verifiable.
struct BookView: Sendable {
    /// nil = R0, else P0...P4.
    let precision: Int?
    /// Rows per side.
    let length: Int
    /// Minimum milliseconds between flushes (0 = realtime F0, 2000 = F1).
    let flushIntervalMillis: Int64
    /// Rows last published, bids then asks, each best-first.
    private(set) var publishedBids: [(SimBook.RowID, SimBook.Row)] = []
    private(set) var publishedAsks: [(SimBook.RowID, SimBook.Row)] = []
    private var lastFlushMillis: Int64 = 0
    /// The `cs` value of the published rows (recomputed only when a top-25 row changes).
    private(set) var checksum: Int32 = 0

    init(precision: Int?, length: Int, flushIntervalMillis: Int64, book: SimBook, now: Int64) {
        self.precision = precision
        self.length = length
        self.flushIntervalMillis = flushIntervalMillis
        let top = book.top(precision: precision, length: length)
        self.publishedBids = top.bids
        self.publishedAsks = top.asks
        self.lastFlushMillis = now
        self.checksum = BookView.computeChecksum(top.bids, top.asks)
    }

    /// The snapshot a new subscriber receives (what was last published).
    var snapshot: [SimBook.Row] { publishedBids.map(\.1) + publishedAsks.map(\.1) }

    /// Rows changed since the last flush, or nil when nothing changed or the view is not due.
    ///
    /// Hot path (every tick, per subscribed view): rows equal at the same position at the start
    /// (common prefix) and end (common suffix) of each side are unchanged and skipped without
    /// hashing, so only the changed middle of each side goes through the dictionary diff. The
    /// output is exactly the full diff's (ids are unique across both sides, so an id in one
    /// side's middle cannot be in any prefix or suffix).
    mutating func flush(book: SimBook, now: Int64, force: Bool = false) -> [SimBook.Row]? {
        if !force, flushIntervalMillis > 0, now - lastFlushMillis < flushIntervalMillis { return nil }
        let top = book.top(precision: precision, length: length)
        let bidRange = BookView.changedRanges(publishedBids, top.bids)
        let askRange = BookView.changedRanges(publishedAsks, top.asks)
        if bidRange.old.isEmpty, bidRange.new.isEmpty, askRange.old.isEmpty, askRange.new.isEmpty {
            lastFlushMillis = now
            return nil
        }
        let oldMiddle = publishedBids[bidRange.old] + publishedAsks[askRange.old]
        let newMiddle = top.bids[bidRange.new] + top.asks[askRange.new]
        var updates: [SimBook.Row] = []
        var previous: [SimBook.RowID: SimBook.Row] = [:]
        previous.reserveCapacity(oldMiddle.count)
        for (id, row) in oldMiddle { previous[id] = row }
        var current = Set<SimBook.RowID>()
        current.reserveCapacity(newMiddle.count)
        for (id, _) in newMiddle { current.insert(id) }
        // deletions first, in published order (deterministic)
        for (id, row) in oldMiddle where !current.contains(id) {
            updates.append(book.deletionRow(for: id, previous: row))
        }
        for (id, row) in newMiddle where previous[id] != row {
            updates.append(row)
        }
        let topChanged = bidRange.old.lowerBound < 25 || bidRange.new.lowerBound < 25
            || askRange.old.lowerBound < 25 || askRange.new.lowerBound < 25
        publishedBids = top.bids
        publishedAsks = top.asks
        lastFlushMillis = now
        if topChanged { checksum = BookView.computeChecksum(publishedBids, publishedAsks) }
        return updates.isEmpty ? nil : updates
    }

    /// The index ranges of `old` and `new` left after removing their common prefix and suffix
    /// (same id and same row at the same distance from the start or end).
    static func changedRanges(
        _ old: [(SimBook.RowID, SimBook.Row)], _ new: [(SimBook.RowID, SimBook.Row)]
    ) -> (old: Range<Int>, new: Range<Int>) {
        var prefix = 0
        let shorter = min(old.count, new.count)
        while prefix < shorter, old[prefix].0 == new[prefix].0, old[prefix].1 == new[prefix].1 { prefix += 1 }
        var suffix = 0
        while suffix < shorter - prefix,
              old[old.count - 1 - suffix].0 == new[new.count - 1 - suffix].0,
              old[old.count - 1 - suffix].1 == new[new.count - 1 - suffix].1 { suffix += 1 }
        return (prefix..<(old.count - suffix), prefix..<(new.count - suffix))
    }

    /// The `cs` value of the published rows: CRC-32 of the checksum input built as bytes (no
    /// `String` per number), equal to `BookChecksum.value(of: checksumString)`.
    static func computeChecksum(_ bids: [(SimBook.RowID, SimBook.Row)], _ asks: [(SimBook.RowID, SimBook.Row)]) -> Int32 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1_024)
        for i in 0..<25 {
            if i < bids.count { bids[i].1.appendChecksumParts(to: &bytes) }
            if i < asks.count { asks[i].1.appendChecksumParts(to: &bytes) }
        }
        if !bytes.isEmpty { bytes.removeLast() }  // trailing ":"
        let crc = bytes.withUnsafeBytes { CRC32.finalize(CRC32.update(CRC32.initial, $0)) }
        return Int32(bitPattern: crc)
    }

    /// The checksum input string: interleaved top 25 (bid, ask) key:amount pairs (reference §4.2).
    var checksumString: String {
        var parts: [String] = []
        parts.reserveCapacity(100)
        for i in 0..<25 {
            if i < publishedBids.count {
                let p = publishedBids[i].1.checksumParts
                parts.append(p.key); parts.append(p.amount)
            }
            if i < publishedAsks.count {
                let p = publishedAsks[i].1.checksumParts
                parts.append(p.key); parts.append(p.amount)
            }
        }
        return parts.joined(separator: ":")
    }
}
