import DequeModule

/// Remembers the most recent trade ids of one trades channel so every trade is delivered exactly
/// once: `te` and its later `tu` share an id, and a post-reconnect snapshot repeats trades already
/// seen. Bounded memory (`capacity` ids).
struct TradeDeduplicator: Sendable {
    private var order: Deque<Int64> = []
    private var seen: Set<Int64> = []
    private let capacity: Int
    /// Highest trade id ever delivered.
    private(set) var highestID: Int64?

    init(capacity: Int = 4096) {
        self.capacity = max(16, capacity)
        seen.reserveCapacity(self.capacity)
    }

    /// Records `id`; returns `false` if it was already delivered (or is older than the window
    /// and not above the highest id, which means it was delivered or deliberately skipped).
    mutating func admit(_ id: Int64) -> Bool {
        if seen.contains(id) { return false }
        if let highestID, id < highestID, order.count >= capacity, let oldest = order.first, id <= oldest {
            return false
        }
        seen.insert(id)
        order.append(id)
        if order.count > capacity, let evicted = order.popFirst() { seen.remove(evicted) }
        if highestID.map({ id > $0 }) ?? true { highestID = id }
        return true
    }

    /// Whether `id` was delivered (within the window).
    func contains(_ id: Int64) -> Bool { seen.contains(id) }
}
