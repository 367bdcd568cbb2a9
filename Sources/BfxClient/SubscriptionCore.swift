import BfxProtocol
import Synchronization

/// What the buffer of a subscription holds: ready events, or a marker that the book changed
/// (materialised into a ``BookEvent`` with the then-current book when the consumer takes it, so a
/// slow consumer never forces a book copy per message).
enum BufferedEvent: Sendable {
    case event(SubscriptionEvent)
    case bookChanged(snapshot: Bool, updates: Int)

    static func merge(_ old: BufferedEvent, _ new: BufferedEvent) -> BufferedEvent {
        switch (old, new) {
        case (.bookChanged(let s1, let u1), .bookChanged(let s2, let u2)):
            return .bookChanged(snapshot: s1 || s2, updates: u1 + u2)
        default:
            return new
        }
    }
}

/// The state of one subscription shared between its event loop (producer) and its public handle
/// (consumer): the event buffer, the maintained book and a few counters.
final class SubscriptionCore: Sendable {
    let id: SubscriptionID
    let spec: ChannelSpec
    let buffer: EventBuffer<BufferedEvent>

    private struct BookState {
        var book: OrderBook?
        var verified = 0
    }

    // Mutex: the book is mutated on the connection's event loop and read by consumers on any
    // thread; critical sections are one apply or one copy-on-write copy.
    private let bookState = Mutex(BookState())
    // Mutex: liveness flag read by user code, written on the event loop.
    private let liveState = Mutex(false)

    init(id: SubscriptionID, spec: ChannelSpec, buffering: BufferingPolicy) {
        self.id = id
        self.spec = spec
        self.buffer = EventBuffer(
            capacity: buffering.tradeQueueCapacity + buffering.controlQueueCapacity,
            makeOverflow: { .event(.overflow(dropped: $0)) },
            merge: BufferedEvent.merge
        )
    }

    // MARK: producer side (event loop)

    func emit(_ event: SubscriptionEvent) {
        switch event {
        case .ticker, .fundingTicker, .derivStatus:
            buffer.push(.event(event), policy: .coalesce)
        default:
            buffer.push(.event(event), policy: .queue)
        }
    }

    func bookChanged(snapshot: Bool) {
        buffer.push(.bookChanged(snapshot: snapshot, updates: 1), policy: .coalesce)
    }

    func setLive(_ live: Bool) { liveState.withLock { $0 = live } }

    /// Runs `body` on the book under the lock (event loop only).
    func withBook<R>(_ body: (inout OrderBook?) throws -> R) rethrows -> R {
        try bookState.withLock { try body(&$0.book) }
    }

    func recordVerifiedChecksum() { bookState.withLock { $0.verified += 1 } }

    // MARK: consumer side

    var isLive: Bool { liveState.withLock { $0 } }

    func currentBook() -> OrderBook? { bookState.withLock { $0.book } }

    var verifiedChecksums: Int { bookState.withLock { $0.verified } }

    func materialise(_ buffered: BufferedEvent) -> SubscriptionEvent? {
        switch buffered {
        case .event(let event):
            return event
        case .bookChanged(let snapshot, let updates):
            let (book, verified) = bookState.withLock { ($0.book, $0.verified) }
            guard let book else { return nil }
            return .book(BookEvent(book: book, isSnapshot: snapshot, updates: updates, verifiedChecksums: verified))
        }
    }

    func nextEvent() async -> SubscriptionEvent? {
        // Bounded: each pass consumes one buffered element; only a book marker whose book was
        // cleared in between yields nil and is skipped.
        while let buffered = await buffer.next() {
            if let event = materialise(buffered) { return event }
        }
        return nil
    }
}
