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
        var oldMiddle: [(SimBook.RowID, SimBook.Row)] = []
        var newMiddle: [(SimBook.RowID, SimBook.Row)] = []
        BookView.unmatched(publishedBids, bidRange.old, top.bids, bidRange.new, old: &oldMiddle, new: &newMiddle)
        BookView.unmatched(publishedAsks, askRange.old, top.asks, askRange.new, old: &oldMiddle, new: &newMiddle)
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

    /// Appends the rows of the two middles that are not matched by a one-row shift: an insert or
    /// delete inside a full window moves every later row by one position, so rows equal to the
    /// other side's row one position later (same id, same row) are unchanged and skipped. What is
    /// left is appended in order; the full diff of the rest equals the full diff of the whole
    /// (a skipped id appears once in each list, matched, so it is neither deleted nor updated).
    static func unmatched(
        _ old: [(SimBook.RowID, SimBook.Row)], _ oldRange: Range<Int>,
        _ new: [(SimBook.RowID, SimBook.Row)], _ newRange: Range<Int>,
        old oldRest: inout [(SimBook.RowID, SimBook.Row)], new newRest: inout [(SimBook.RowID, SimBook.Row)]
    ) {
        func same(_ a: (SimBook.RowID, SimBook.Row), _ b: (SimBook.RowID, SimBook.Row)) -> Bool { a.0 == b.0 && a.1 == b.1 }
        var i = oldRange.lowerBound
        var j = newRange.lowerBound
        while i < oldRange.upperBound, j < newRange.upperBound {
            if same(old[i], new[j]) {
                i += 1; j += 1
            } else if j + 1 < newRange.upperBound, same(old[i], new[j + 1]) {
                newRest.append(new[j]); j += 1
            } else if i + 1 < oldRange.upperBound, same(old[i + 1], new[j]) {
                oldRest.append(old[i]); i += 1
            } else {
                oldRest.append(old[i]); newRest.append(new[j]); i += 1; j += 1
            }
        }
        while i < oldRange.upperBound { oldRest.append(old[i]); i += 1 }
        while j < newRange.upperBound { newRest.append(new[j]); j += 1 }
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
