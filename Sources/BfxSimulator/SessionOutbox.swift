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
    let stream: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let pendingCount = Atomic<Int>(0)
    private let finished = Atomic<Bool>(false)
    private let knobs = Mutex(Knobs())

    init(id: Int) {
        self.id = id
        (stream, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .unbounded)
    }

    /// Frames enqueued but not yet written.
    var pending: Int { pendingCount.load(ordering: .relaxed) }

    func send(_ text: String) {
        pendingCount.add(1, ordering: .relaxed)
        continuation.yield(.text(text, .now))
    }

    func drop() { continuation.yield(.drop) }

    func written() { pendingCount.subtract(1, ordering: .relaxed) }

    func finish() {
        finished.store(true, ordering: .relaxed)
        continuation.finish()
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
