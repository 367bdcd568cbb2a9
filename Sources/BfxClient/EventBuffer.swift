import DequeModule
import NIOCore
import NIOPosix
import Synchronization

/// A bounded, single-consumer, multi-producer event queue with per-element back-pressure policy.
///
/// - `.coalesce` elements replace a coalescible element at the tail (latest-only: a slow consumer
///   of a book or ticker sees the newest state, never a backlog);
/// - `.queue` elements are appended; when the buffer is full the oldest element is dropped and
///   the consumer is told how many were dropped before its next element (`makeOverflow`).
///
/// Memory is bounded by `capacity` elements whatever the consumer does.
///
/// Wake-ups are batched when the producer runs on a NIO event loop: a push does not resume a
/// parked consumer itself but schedules one wake-up (`execute`) that runs after the loop has
/// processed the current read, so a burst of N messages costs one consumer wake-up (one task
/// enqueue, one book materialisation) instead of N (ADR 0017). Off an event loop (tests, other
/// threads) the consumer is woken immediately as before.
final class EventBuffer<Element: Sendable>: Sendable {
    /// How an element is buffered.
    enum Policy: Sendable {
        /// Replace the tail if it is also coalescible (`merge(old, new)`), else append.
        case coalesce
        /// Append; drop the oldest element on overflow.
        case queue
    }

    private struct Entry {
        var element: Element
        var coalescible: Bool
    }

    private struct State {
        var entries: Deque<Entry> = []
        var dropped = 0
        var coalesced = 0
        var waiter: CheckedContinuation<Element?, Never>?
        var finished = false
        var delivered = 0
        var highWater = 0
        /// A deferred wake-up is scheduled on the producer's event loop.
        var wakeScheduled = false
    }

    private enum Wake {
        case none
        case now(CheckedContinuation<Element?, Never>, Element?)
        case schedule(any EventLoop)
    }

    private let capacity: Int
    private let makeOverflow: @Sendable (Int) -> Element
    private let merge: @Sendable (Element, Element) -> Element
    // Mutex: producers run on NIO event loops, the consumer on any task; the critical sections
    // are a few pointer moves.
    private let state = Mutex(State())

    init(
        capacity: Int,
        makeOverflow: @escaping @Sendable (Int) -> Element,
        merge: @escaping @Sendable (Element, Element) -> Element = { _, new in new }
    ) {
        self.capacity = max(2, capacity)
        self.makeOverflow = makeOverflow
        self.merge = merge
    }

    /// Adds `element` under `policy`; wakes the consumer if it is waiting (on an event loop: once,
    /// after the current read has been processed).
    func push(_ element: Element, policy: Policy) {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop
        let wake: Wake = state.withLock { s in
            if s.finished { return .none }
            if loop == nil, let waiter = s.waiter, s.entries.isEmpty, s.dropped == 0 {
                // Consumer is parked and nothing is buffered: hand over directly.
                s.waiter = nil
                s.delivered += 1
                return .now(waiter, element)
            }
            switch policy {
            case .coalesce:
                if let last = s.entries.last, last.coalescible {
                    s.entries[s.entries.count - 1].element = merge(last.element, element)
                    s.coalesced += 1
                } else {
                    s.entries.append(Entry(element: element, coalescible: true))
                }
            case .queue:
                s.entries.append(Entry(element: element, coalescible: false))
            }
            if s.entries.count > capacity {
                s.entries.removeFirst()
                s.dropped += 1
            }
            s.highWater = max(s.highWater, s.entries.count)
            guard let waiter = s.waiter else { return .none }
            guard let loop else {
                s.waiter = nil
                return .now(waiter, Self.take(&s, makeOverflow))
            }
            if s.wakeScheduled { return .none }
            s.wakeScheduled = true
            return .schedule(loop)
        }
        switch wake {
        case .none: break
        case .now(let waiter, let element): waiter.resume(returning: element)
        case .schedule(let loop): loop.execute { self.wakeConsumer() }
        }
    }

    /// The deferred wake-up: hands the parked consumer its next element, if both exist.
    private func wakeConsumer() {
        let ready: (CheckedContinuation<Element?, Never>, Element)? = state.withLock { s in
            s.wakeScheduled = false
            guard let waiter = s.waiter, let element = Self.take(&s, makeOverflow) else { return nil }
            s.waiter = nil
            return (waiter, element)
        }
        if let (waiter, element) = ready { waiter.resume(returning: element) }
    }

    /// Ends the stream: the consumer gets the remaining elements, then `nil`.
    func finish() {
        let wake: (CheckedContinuation<Element?, Never>, Element?)? = state.withLock { s in
            s.finished = true
            guard let waiter = s.waiter else { return nil }
            s.waiter = nil
            return (waiter, Self.take(&s, makeOverflow))
        }
        if let (waiter, element) = wake { waiter.resume(returning: element) }
    }

    /// The next element (an overflow notice first if elements were dropped), or `nil` once
    /// finished and drained or when the consuming task is cancelled.
    func next() async -> Element? {
        if let ready = takeReady() { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                // (resume now?, element)
                let action: (Bool, Element?) = state.withLock { s in
                    if let element = Self.take(&s, makeOverflow) { return (true, element) }
                    if s.finished || Task.isCancelled { return (true, nil) }
                    s.waiter = continuation
                    return (false, nil)
                }
                if action.0 { continuation.resume(returning: action.1) }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    private func takeReady() -> Element? {
        state.withLock { Self.take(&$0, makeOverflow) }
    }

    private static func take(_ s: inout State, _ makeOverflow: (Int) -> Element) -> Element? {
        if s.dropped > 0 {
            let n = s.dropped
            s.dropped = 0
            s.delivered += 1
            return makeOverflow(n)
        }
        guard let entry = s.entries.popFirst() else { return nil }
        s.delivered += 1
        return entry.element
    }

    /// Buffer statistics for status displays.
    struct Stats: Sendable, Hashable {
        var depth: Int
        var highWater: Int
        var coalesced: Int
        var delivered: Int
    }

    /// Current statistics.
    var stats: Stats {
        state.withLock { Stats(depth: $0.entries.count, highWater: $0.highWater, coalesced: $0.coalesced, delivered: $0.delivered) }
    }
}
