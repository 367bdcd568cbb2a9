import BfxProtocol

/// How the router builds and updates ``BfxProtocol/OrderBook`` values for a subscription.
extension OrderBook {
    /// `previous` is the replaced book: a funding book keeps its level key and period orders
    /// (a snapshot can only switch them to rate and period, see ``OrderBook/fundingLevelKey``).
    static func bridgeSnapshot(_ entries: [BookEntry], spec: ChannelSpec, previous: OrderBook?) throws -> OrderBook {
        var book = OrderBook(precision: .aggregated, funding: spec.isFunding, capacity: Self.capacity(spec))
        if let previous { book.adoptRules(of: previous) }
        book.applySnapshot(entries)
        return book
    }

    /// `previous` is the replaced book: its ``OrderBook/rawTieOrder`` is kept when the snapshot is
    /// consistent with it (a resync does not forget what an earlier snapshot showed).
    static func bridgeRawSnapshot(_ entries: [RawBookEntry], spec: ChannelSpec, previous: OrderBook?) throws -> OrderBook {
        var book = OrderBook(precision: .raw, funding: spec.isFunding, capacity: Self.capacity(spec))
        if let previous { book.adoptRules(of: previous) }
        book.applySnapshot(entries)
        return book
    }

    mutating func bridgeApply(_ entry: BookEntry) throws {
        apply(entry)
    }

    mutating func bridgeApply(_ entry: RawBookEntry) throws {
        apply(entry)
    }

    private static func capacity(_ spec: ChannelSpec) -> Int {
        switch spec {
        case .book(_, _, _, let length), .rawBook(_, let length): min(max(length + 4, 8), 512)
        default: 32
        }
    }
}
