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
    /// Smallest book row index touched since the last computed flush (see `flush`).
    private var pendingChange = Int.max
    /// The `cs` value of the published rows (recomputed only when a top-25 row changes).
    private(set) var checksum: Int32 = 0
    /// The checksum text `key:amount:` of each published top-25 row per side, so a recompute
    /// renders only rows that changed (usually one or two) and reuses the rest.
    private var bidParts: [[UInt8]] = []
    private var askParts: [[UInt8]] = []

    init(precision: Int?, length: Int, flushIntervalMillis: Int64, book: SimBook, now: Int64) {
        self.precision = precision
        self.length = length
        self.flushIntervalMillis = flushIntervalMillis
        let top = book.top(precision: precision, length: length)
        self.publishedBids = top.bids
        self.publishedAsks = top.asks
        self.lastFlushMillis = now
        self.bidParts = BookView.checksumParts(top.bids, old: [], oldParts: [])
        self.askParts = BookView.checksumParts(top.asks, old: [], oldParts: [])
        self.checksum = BookView.checksum(bidParts, askParts)
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
    ///
    /// `changes` (from `SimBook.takeChanges()`, every change of the book since the previous call
    /// must reach every view) lets a view whose window was not touched return at once; nil means
    /// unknown (compute).
    mutating func flush(book: SimBook, now: Int64, force: Bool = false, changes: SimBook.Changes? = nil) -> [SimBook.Row]? {
        pendingChange = min(pendingChange, changes?.first(precision: precision) ?? 0)
        if !force, flushIntervalMillis > 0, now - lastFlushMillis < flushIntervalMillis { return nil }
        // nothing in the window changed (the flush clock only advances when rows are sent)
        if !force, pendingChange >= length { return nil }
        pendingChange = .max
        let top = book.top(precision: precision, length: length)
        let bidRange = BookView.changedRanges(publishedBids, top.bids)
        let askRange = BookView.changedRanges(publishedAsks, top.asks)
        if bidRange.old.isEmpty, bidRange.new.isEmpty, askRange.old.isEmpty, askRange.new.isEmpty {
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
        if topChanged {
            bidParts = BookView.checksumParts(top.bids, old: publishedBids, oldParts: bidParts)
            askParts = BookView.checksumParts(top.asks, old: publishedAsks, oldParts: askParts)
            checksum = BookView.checksum(bidParts, askParts)
        }
        publishedBids = top.bids
        publishedAsks = top.asks
        if updates.isEmpty { return nil }
        lastFlushMillis = now
        return updates
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

    /// The checksum text (`key:amount:`) of the top 25 rows of one side, reusing the text of an
    /// old row equal to the new one at the same position or one position away (an insert or
    /// delete shifts every later row by one); only the other rows are rendered.
    static func checksumParts(
        _ rows: [(SimBook.RowID, SimBook.Row)], old: [(SimBook.RowID, SimBook.Row)], oldParts: [[UInt8]]
    ) -> [[UInt8]] {
        let count = min(25, rows.count)
        var parts: [[UInt8]] = []
        parts.reserveCapacity(count)
        let reusable = min(old.count, oldParts.count)
        for i in 0..<count {
            let row = rows[i].1
            if i < reusable, old[i].1 == row {
                parts.append(oldParts[i])
            } else if i + 1 < reusable, old[i + 1].1 == row {
                parts.append(oldParts[i + 1])
            } else if i >= 1, i - 1 < reusable, old[i - 1].1 == row {
                parts.append(oldParts[i - 1])
            } else {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(32)
                row.appendChecksumParts(to: &bytes)
                parts.append(bytes)
            }
        }
        return parts
    }

    /// The `cs` value: CRC-32 of the interleaved parts (bid 0, ask 0, bid 1, …) without the
    /// trailing `:`, equal to `BookChecksum.value(of: checksumString)`.
    static func checksum(_ bids: [[UInt8]], _ asks: [[UInt8]]) -> Int32 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1_024)
        for i in 0..<25 {
            if i < bids.count { bytes.append(contentsOf: bids[i]) }
            if i < asks.count { bytes.append(contentsOf: asks[i]) }
        }
        if !bytes.isEmpty { bytes.removeLast() }  // trailing ":"
        let crc = bytes.withUnsafeBytes { CRC32.finalize(CRC32.update(CRC32.initial, $0)) }
        return Int32(bitPattern: crc)
    }

    /// The `cs` value the live server sends for funding books according to the reference (§4.4,
    /// "invalid book sorting on the backend"): the published rows with each side reversed
    /// (worst first). Used by the `funding_checksum` fault; equals ``checksum`` only when no
    /// side has more than one row.
    var misSortedChecksum: Int32 {
        BookView.checksum(bidParts.reversed(), askParts.reversed())
    }

    /// The `cs` value of rows computed from scratch (same result as the cached path).
    static func computeChecksum(_ bids: [(SimBook.RowID, SimBook.Row)], _ asks: [(SimBook.RowID, SimBook.Row)]) -> Int32 {
        checksum(checksumParts(bids, old: [], oldParts: []), checksumParts(asks, old: [], oldParts: []))
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
