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

    init(precision: Int?, length: Int, flushIntervalMillis: Int64, book: SimBook, now: Int64) {
        self.precision = precision
        self.length = length
        self.flushIntervalMillis = flushIntervalMillis
        let top = book.top(precision: precision, length: length)
        self.publishedBids = top.bids
        self.publishedAsks = top.asks
        self.lastFlushMillis = now
    }

    /// The snapshot a new subscriber receives (what was last published).
    var snapshot: [SimBook.Row] { publishedBids.map(\.1) + publishedAsks.map(\.1) }

    /// Rows changed since the last flush, or nil when nothing changed or the view is not due.
    mutating func flush(book: SimBook, now: Int64, force: Bool = false) -> [SimBook.Row]? {
        if !force, flushIntervalMillis > 0, now - lastFlushMillis < flushIntervalMillis { return nil }
        let top = book.top(precision: precision, length: length)
        var updates: [SimBook.Row] = []
        var previous: [SimBook.RowID: SimBook.Row] = [:]
        previous.reserveCapacity(publishedBids.count + publishedAsks.count)
        for (id, row) in publishedBids { previous[id] = row }
        for (id, row) in publishedAsks { previous[id] = row }
        var current = Set<SimBook.RowID>()
        current.reserveCapacity(top.bids.count + top.asks.count)
        for (id, _) in top.bids { current.insert(id) }
        for (id, _) in top.asks { current.insert(id) }
        // deletions first, in published order (deterministic)
        for (id, row) in publishedBids + publishedAsks where !current.contains(id) {
            updates.append(book.deletionRow(for: id, previous: row))
        }
        for (id, row) in top.bids + top.asks where previous[id] != row {
            updates.append(row)
        }
        publishedBids = top.bids
        publishedAsks = top.asks
        lastFlushMillis = now
        return updates.isEmpty ? nil : updates
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
