import Synchronization

/// The outbound side of one WebSocket connection: the engine enqueues frames, the connection's
/// writer task drains them. Kept outside the engine actor so the writer never waits on it.
final class SessionOutbox: Sendable {
    /// What the writer does next.
    enum Item: Sendable {
        /// A text frame and when it was queued (latency faults delay relative to this).
        case text(String, ContinuousClock.Instant)
        /// Close the TCP connection abruptly (no close frame).
        case drop
    }

    /// Per-connection knobs read by the reader/writer tasks (faults). Guarded by a `Mutex`
    /// because they are written by the engine actor and read from the connection's tasks.
    struct Knobs: Sendable {
        var stalledUntil: ContinuousClock.Instant?
        var stalledIndefinitely = false
        var readDelay: Duration = .zero
    }

    let id: Int
    /// Queued items and the parked writer. A `Mutex` (not an `AsyncStream`) so the writer takes
    /// everything queued in one lock and writes it as one batch (one flush, one `writev`) instead
    /// of one async hand-off and one flush per frame.
    private let queue = Mutex(Queue())
    private let pendingCount = Atomic<Int>(0)
    private let finished = Atomic<Bool>(false)
    private let knobs = Mutex(Knobs())

    private struct Queue: ~Copyable {
        var items: [Item] = []
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }

    init(id: Int) {
        self.id = id
    }

    /// Frames enqueued but not yet written (the unthrottled tick loop pauses above a limit, so a
    /// slow reader holds back generation instead of growing this queue).
    var pending: Int { pendingCount.load(ordering: .relaxed) }

    func send(_ text: String) {
        if enqueue(.text(text, .now)) { pendingCount.add(1, ordering: .relaxed) }
    }

    func drop() { _ = enqueue(.drop) }

    /// Queues an item (ignored once finished); wakes the writer if it is parked.
    private func enqueue(_ item: Item) -> Bool {
        let (accepted, waiter) = queue.withLock { q -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !q.finished else { return (false, nil) }
            q.items.append(item)
            let w = q.waiter
            q.waiter = nil
            return (true, w)
        }
        waiter?.resume()
        return accepted
    }

    /// Marks `count` frames as written.
    func written(_ count: Int = 1) { pendingCount.subtract(count, ordering: .relaxed) }

    /// Everything queued so far (waiting while the queue is empty); nil once finished and drained.
    func nextBatch() async -> [Item]? {
        while true {
            let taken = queue.withLock { q -> [Item]?? in
                if !q.items.isEmpty {
                    let batch = q.items
                    q.items.removeAll(keepingCapacity: true)
                    return .some(batch)
                }
                return q.finished ? .some(nil) : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = queue.withLock { q -> Bool in
                    if !q.items.isEmpty || q.finished { return true }
                    q.waiter = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        }
    }

    func finish() {
        finished.store(true, ordering: .relaxed)
        let waiter = queue.withLock { q -> CheckedContinuation<Void, Never>? in
            q.finished = true
            let w = q.waiter
            q.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// True once the engine has let go of this connection (closed or shutting down).
    var isFinished: Bool { finished.load(ordering: .relaxed) }

    /// True while the connection is stalled by a fault.
    var isStalled: Bool {
        knobs.withLock { k in
            if k.stalledIndefinitely { return true }
            if let until = k.stalledUntil {
                if ContinuousClock.now < until { return true }
                k.stalledUntil = nil
            }
            return false
        }
    }

    func stall(for duration: Duration?) {
        knobs.withLock { k in
            if let duration { k.stalledUntil = ContinuousClock.now.advanced(by: duration); k.stalledIndefinitely = false }
            else { k.stalledIndefinitely = true }
        }
    }

    func clearFaults() {
        knobs.withLock { k in k = Knobs() }
    }

    var readDelay: Duration {
        get { knobs.withLock { $0.readDelay } }
    }

    func setReadDelay(_ delay: Duration) { knobs.withLock { $0.readDelay = delay } }
}
