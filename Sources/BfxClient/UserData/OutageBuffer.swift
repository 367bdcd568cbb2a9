/// A bounded, expiring FIFO of order inputs issued while the authenticated connection is down.
///
/// Pure value type (no I/O, no clock): callers pass the current monotonic time as a `Duration`
/// since an arbitrary origin, so expiry is testable in virtual time.
///
/// Guarantees:
/// - capacity is never exceeded (`enqueue` throws `.full` instead);
/// - entries leave in the order they were enqueued, each at most once (`drain` removes them);
/// - an entry whose dedupe key the server already knows is reported as `.alreadyKnown`, never
///   returned for sending;
/// - an entry older than `maxAge` is reported as `.expired`, never returned for sending.
package struct OutageBuffer<Element: Sendable>: Sendable {
    /// Why an element could not be buffered.
    package enum EnqueueError: Error, Equatable, Sendable {
        /// The buffer holds `capacity` elements already.
        case full(capacity: Int)
        /// An element with the same dedupe key is already buffered.
        case duplicateKey(Int64)
    }

    /// One buffered element with its bookkeeping.
    package struct Entry: Sendable {
        /// Monotonically increasing sequence number assigned on enqueue (original order).
        package let sequence: UInt64
        /// The element itself.
        package let element: Element
        /// Optional key (the order CID) used to detect inputs the server already executed.
        package let dedupeKey: Int64?
        /// Time of enqueue (caller's monotonic origin).
        package let enqueuedAt: Duration
    }

    /// What `drain` decided for every entry, in original order.
    package struct DrainResult: Sendable {
        /// Entries to send now, in original order.
        package var toSend: [Entry] = []
        /// Entries dropped because they outlived `maxAge`.
        package var expired: [Entry] = []
        /// Entries not sent because the server already knows their dedupe key.
        package var alreadyKnown: [Entry] = []
    }

    /// Maximum number of buffered elements.
    package let capacity: Int
    /// Maximum time an element may wait before it is dropped instead of sent.
    package let maxAge: Duration
    private var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    /// Creates an empty buffer.
    package init(capacity: Int, maxAge: Duration) {
        self.capacity = max(0, capacity)
        self.maxAge = maxAge
    }

    /// Number of buffered elements.
    package var count: Int { entries.count }
    /// Whether nothing is buffered.
    package var isEmpty: Bool { entries.isEmpty }
    /// The buffered entries, oldest first.
    package var pending: [Entry] { entries }

    /// Appends an element; returns its sequence number.
    @discardableResult
    package mutating func enqueue(_ element: Element, dedupeKey: Int64?, now: Duration) throws(EnqueueError) -> UInt64 {
        guard entries.count < capacity else { throw .full(capacity: capacity) }
        if let key = dedupeKey, entries.contains(where: { $0.dedupeKey == key }) {
            throw .duplicateKey(key)
        }
        let sequence = nextSequence
        nextSequence &+= 1
        entries.append(Entry(sequence: sequence, element: element, dedupeKey: dedupeKey, enqueuedAt: now))
        return sequence
    }

    /// Removes and returns the entries that expired before `now`, oldest first.
    package mutating func removeExpired(now: Duration) -> [Entry] {
        var expired: [Entry] = []
        entries.removeAll { entry in
            if now - entry.enqueuedAt > maxAge {
                expired.append(entry)
                return true
            }
            return false
        }
        return expired
    }

    /// Removes the entry with `sequence` (e.g. its caller was cancelled); returns it if present.
    @discardableResult
    package mutating func remove(sequence: UInt64) -> Entry? {
        guard let index = entries.firstIndex(where: { $0.sequence == sequence }) else { return nil }
        return entries.remove(at: index)
    }

    /// Puts entries taken by `drain` back in front of the buffer (e.g. the connection dropped
    /// again before they could be written), keeping their original order and sequence numbers.
    /// Capacity is not checked: these entries were already admitted once.
    package mutating func restoreFront(_ restored: [Entry]) {
        entries = restored.sorted { $0.sequence < $1.sequence } + entries
    }

    /// Empties the buffer and classifies every entry; `isKnown` answers whether the server
    /// already has an input with that dedupe key (e.g. the CID is in the fresh order snapshot).
    package mutating func drain(now: Duration, isKnown: (Int64) -> Bool) -> DrainResult {
        var result = DrainResult()
        for entry in entries {
            if now - entry.enqueuedAt > maxAge {
                result.expired.append(entry)
            } else if let key = entry.dedupeKey, isKnown(key) {
                result.alreadyKnown.append(entry)
            } else {
                result.toSend.append(entry)
            }
        }
        entries.removeAll()
        return result
    }
}
