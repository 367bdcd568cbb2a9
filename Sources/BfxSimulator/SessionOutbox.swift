import NIOCore
import Synchronization

/// The outbound side of one WebSocket connection: the engine enqueues frames, the connection's
/// writer task drains them. Kept outside the engine actor so the writer never waits on it.
final class SessionOutbox: Sendable {
    /// What the writer does next.
    enum Item: Sendable {
        /// A text frame and when it was queued (latency faults delay relative to this).
        case text(String, ContinuousClock.Instant)
        /// `frames` complete WebSocket text frames already framed as bytes (RFC 6455 server
        /// frames), queued from `queuedAt` on. Channel packets take this path: the engine frames
        /// each one into the outbox's open buffer, so a frame costs no `String` and no item.
        case framed(ByteBuffer, frames: Int, queuedAt: ContinuousClock.Instant)
        /// Close the TCP connection abruptly (no close frame).
        case drop
    }

    /// Per-connection injectedLatency read by the reader/writer tasks (faults). Guarded by a `Mutex`
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
    private let injectedLatency = Mutex(Knobs())

    private struct Queue: ~Copyable {
        var items: [Item] = []
        /// Index of the first item not yet taken (batches are taken from the front without
        /// shifting the array; it is emptied once everything was taken).
        var head = 0
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
        /// While true (burst pre-generation) items accumulate but the writer is not given any.
        var held = false
        /// The open buffer of framed channel packets (moved into `items` when a different item is
        /// queued, when it is full, or when the writer takes a batch), its frame count and the
        /// time its first frame was queued.
        var tail: ByteBuffer?
        var tailFrames = 0
        var tailQueuedAt = ContinuousClock.Instant.now

        var hasItems: Bool { head < items.count || tail != nil }

        mutating func closeTail() {
            guard let buffer = tail else { return }
            tail = nil
            items.append(.framed(buffer, frames: tailFrames, queuedAt: tailQueuedAt))
            tailFrames = 0
        }
    }

    /// An open framed buffer is closed at this size (bounds one write and one reallocation).
    static let maxTailBytes = 256 * 1024
    private static let allocator = ByteBufferAllocator()

    /// The most items the writer takes per batch (one write and flush): large enough that the
    /// per-batch event-loop hop is negligible, small enough to bound the batch (a burst is written
    /// in several batches).
    static let maxBatch = 2_048

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

    /// Queues one text frame given as UTF-8 bytes, framed here (FIN + text opcode, 7/16/64-bit
    /// length, unmasked). With `coalesce` it joins the open buffer of framed packets; without
    /// (latency fault active) it becomes its own item with its own queue time.
    func sendFramed(_ payload: UnsafeRawBufferPointer, coalesce: Bool) {
        let accepted = queue.withLock { q -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !q.finished else { return (false, nil) }
            if !coalesce || (q.tail?.readableBytes ?? 0) >= SessionOutbox.maxTailBytes { q.closeTail() }
            if q.tail == nil { q.tailQueuedAt = .now }
            // taken out (and put back) so the buffer is uniquely referenced while appending
            var buffer = q.tail ?? SessionOutbox.allocator.buffer(capacity: coalesce ? 16_384 : payload.count + 10)
            q.tail = nil
            SessionOutbox.appendFrame(payload, to: &buffer)
            q.tail = buffer
            q.tailFrames += 1
            if !coalesce { q.closeTail() }
            if q.held { return (true, nil) }
            let w = q.waiter
            q.waiter = nil
            return (true, w)
        }
        accepted.1?.resume()
        if accepted.0 { pendingCount.add(1, ordering: .relaxed) }
    }

    /// Appends one unmasked final text frame holding `payload`.
    static func appendFrame(_ payload: UnsafeRawBufferPointer, to buffer: inout ByteBuffer) {
        let length = payload.count
        if length < 126 {
            buffer.writeMultipleIntegers(UInt8(0x81), UInt8(length))
        } else if length <= 0xFFFF {
            buffer.writeMultipleIntegers(UInt8(0x81), UInt8(126), UInt16(length))
        } else {
            buffer.writeMultipleIntegers(UInt8(0x81), UInt8(127), UInt64(length))
        }
        buffer.writeBytes(payload)
    }

    /// Queues an item (ignored once finished); wakes the writer if it is parked.
    private func enqueue(_ item: Item) -> Bool {
        let (accepted, waiter) = queue.withLock { q -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !q.finished else { return (false, nil) }
            q.closeTail()
            q.items.append(item)
            if q.held { return (true, nil) }
            let w = q.waiter
            q.waiter = nil
            return (true, w)
        }
        waiter?.resume()
        return accepted
    }

    /// Marks `count` frames as written.
    func written(_ count: Int = 1) { pendingCount.subtract(count, ordering: .relaxed) }

    /// Up to `maxBatch` queued items in order (waiting while the queue is empty or held); nil once
    /// finished and drained.
    func nextBatch() async -> [Item]? {
        while true {
            let taken = queue.withLock { q -> [Item]?? in
                if q.hasItems, !q.held || q.finished {
                    q.closeTail()
                    let end = min(q.items.count, q.head + SessionOutbox.maxBatch)
                    let batch: [Item]
                    if q.head == 0, end == q.items.count {
                        batch = q.items
                        q.items.removeAll(keepingCapacity: true)
                    } else {
                        batch = Array(q.items[q.head..<end])
                        q.head = end
                        if q.head == q.items.count { q.items.removeAll(keepingCapacity: false); q.head = 0 }
                    }
                    return .some(batch)
                }
                return q.finished && !q.hasItems ? .some(nil) : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = queue.withLock { q -> Bool in
                    if (q.hasItems && !q.held) || q.finished { return true }
                    q.waiter = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        }
    }

    /// Burst pre-generation: from now on queued items are kept from the writer until `release()`,
    /// so a whole pre-generated stream can be queued first and then written back to back.
    func hold() { queue.withLock { $0.held = true } }

    /// Ends `hold()`: the writer takes everything queued meanwhile, in order.
    func release() {
        let waiter = queue.withLock { q -> CheckedContinuation<Void, Never>? in
            q.held = false
            let w = q.waiter
            q.waiter = nil
            return w
        }
        waiter?.resume()
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
        injectedLatency.withLock { k in
            if k.stalledIndefinitely { return true }
            if let until = k.stalledUntil {
                if ContinuousClock.now < until { return true }
                k.stalledUntil = nil
            }
            return false
        }
    }

    func stall(for duration: Duration?) {
        injectedLatency.withLock { k in
            if let duration { k.stalledUntil = ContinuousClock.now.advanced(by: duration); k.stalledIndefinitely = false }
            else { k.stalledIndefinitely = true }
        }
    }

    func clearFaults() {
        injectedLatency.withLock { k in k = Knobs() }
    }

    var readDelay: Duration {
        get { injectedLatency.withLock { $0.readDelay } }
    }

    func setReadDelay(_ delay: Duration) { injectedLatency.withLock { $0.readDelay = delay } }
}
