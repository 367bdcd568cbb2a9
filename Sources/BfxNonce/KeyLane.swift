import BfxProtocol
import DequeModule
import Metrics
import Synchronization

/// The per-key serialized section of a ``NonceManager``: a baton (one call in flight at a time),
/// priority queues of waiting calls with aging, the nonce sequence, counters and history.
///
/// All mutable state sits behind one `Mutex` because it is touched by every caller task of the
/// key, by deadline timers and by cancellation handlers concurrently; critical sections are
/// short and never suspend.
final class KeyLane: Sendable {
    struct Waiter {
        let id: UInt64
        let classIndex: Int
        let label: String
        let enqueuedNanos: UInt64
        let continuation: CheckedContinuation<UInt64, any Error>
        var deadlineTask: Task<Void, Never>?
    }

    struct State {
        var busy = false
        var shutDown = false
        var inFlightLabel: String?
        var queues: [Deque<Waiter>]
        var queuedTotal = 0
        var nextWaiterID: UInt64 = 0
        var session: (any NonceStoreSession)?
        var sequence = NonceSequence()
        var counters = NonceCounters()
        var history: RingBuffer<NonceIssueRecord>
        var waits: RingBuffer<UInt64>
        var outcomes: RingBuffer<Bool>
        var depthWarned = false
        var errorRateWarned = false
        var waitWarned = false
        var ceilingWarned = false
    }

    let keyID: String
    let store: any NonceStore
    let storeKind: NonceStoreKind
    let classes: [NoncePriorityClass]
    let agingStepNanos: UInt64?
    let state: Mutex<State>

    // Metrics handles, created once per key.
    let issuedCounter: Counter
    let rejectedCounter: Counter
    let retriedCounter: Counter
    let waitTimer: Metrics.Timer
    let depthGauges: [Gauge]

    init(keyID: String, store: any NonceStore, configuration: NonceManagerConfiguration) {
        self.keyID = keyID
        self.store = store
        self.storeKind = store.kind
        self.classes = configuration.priorityClasses
        self.agingStepNanos = configuration.agingStep.map { max(1, $0.nanosecondsClamped) }
        let dims = [("key", keyID)]
        issuedCounter = Counter(label: "bfx_nonce_issued_total", dimensions: dims)
        rejectedCounter = Counter(label: "bfx_nonce_rejected_total", dimensions: dims)
        retriedCounter = Counter(label: "bfx_nonce_retried_total", dimensions: dims)
        waitTimer = Metrics.Timer(label: "bfx_nonce_queue_wait", dimensions: dims)
        depthGauges = configuration.priorityClasses.map {
            Gauge(label: "bfx_nonce_queue_depth", dimensions: dims + [("priority", $0.priority.name)])
        }
        state = Mutex(State(
            queues: Array(repeating: Deque(), count: configuration.priorityClasses.count),
            history: RingBuffer(capacity: configuration.historyCapacity),
            waits: RingBuffer(capacity: configuration.waitSampleCapacity),
            outcomes: RingBuffer(capacity: max(1, configuration.thresholds.errorRateWindow))
        ))
    }

    enum EnterResult {
        case acquired
        case queued
        case failed(any Error)
    }

    /// Takes the baton immediately when free; otherwise queues (or rejects) the caller.
    /// Returns the monotonic time at which the baton was handed over.
    func enter(classIndex: Int, label: String, nowNanos: UInt64, deadlineNanos: UInt64?,
               clock: any BfxClock, depthThreshold: Int, onDepthWarning: (Int) -> Void) async throws -> UInt64 {
        // Fast path: no suspension when the lane is idle.
        let fast: Bool = state.withLock { s in
            if !s.busy && !s.shutDown && s.queuedTotal == 0 {
                s.busy = true
                s.inFlightLabel = label
                return true
            }
            return false
        }
        if fast { return nowNanos }

        let id: UInt64 = state.withLock { s in
            s.nextWaiterID &+= 1
            return s.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<UInt64, any Error>) in
                var deadlineTask: Task<Void, Never>?
                if let deadlineNanos {
                    deadlineTask = Task { [weak self] in
                        do { try await clock.sleep(untilMonotonicNanos: deadlineNanos) } catch { return }
                        self?.remove(id: id, reason: .expired(waited: clock.monotonicNanos() &- nowNanos, label: label))
                    }
                }
                var depthToWarn: Int?
                let immediate: EnterResult = state.withLock { s in
                    if s.shutDown { return .failed(NonceError.shutDown) }
                    if Task.isCancelled { s.counters.cancelled += 1; return .failed(CancellationError()) }
                    if !s.busy && s.queuedTotal == 0 {
                        s.busy = true
                        s.inFlightLabel = label
                        return .acquired
                    }
                    let limit = classes[classIndex].maxQueued
                    if s.queues[classIndex].count >= limit {
                        s.counters.queueFull += 1
                        return .failed(NonceError.queueFull(keyID: keyID, priority: classes[classIndex].priority, limit: limit))
                    }
                    s.queues[classIndex].append(Waiter(id: id, classIndex: classIndex, label: label, enqueuedNanos: nowNanos,
                                                       continuation: continuation, deadlineTask: deadlineTask))
                    s.queuedTotal += 1
                    depthGauges[classIndex].record(s.queues[classIndex].count)
                    if s.queuedTotal > depthThreshold && !s.depthWarned {
                        s.depthWarned = true
                        depthToWarn = s.queuedTotal
                    }
                    return .queued
                }
                switch immediate {
                case .acquired:
                    deadlineTask?.cancel()
                    continuation.resume(returning: nowNanos)
                case .failed(let error):
                    deadlineTask?.cancel()
                    continuation.resume(throwing: error)
                case .queued:
                    if let depthToWarn { onDepthWarning(depthToWarn) }
                }
            }
        } onCancel: {
            self.remove(id: id, reason: .cancelled)
        }
    }

    enum RemovalReason {
        case cancelled
        case expired(waited: UInt64, label: String)
    }

    /// Removes a queued waiter (cancellation or deadline); no nonce is consumed.
    func remove(id: UInt64, reason: RemovalReason) {
        let waiter: Waiter? = state.withLock { s in
            for c in s.queues.indices {
                if let index = s.queues[c].firstIndex(where: { $0.id == id }) {
                    let w = s.queues[c].remove(at: index)
                    s.queuedTotal -= 1
                    depthGauges[c].record(s.queues[c].count)
                    switch reason {
                    case .cancelled: s.counters.cancelled += 1
                    case .expired: s.counters.expired += 1
                    }
                    return w
                }
            }
            return nil
        }
        guard let waiter else { return }
        waiter.deadlineTask?.cancel()
        switch reason {
        case .cancelled:
            waiter.continuation.resume(throwing: CancellationError())
        case .expired(let waited, let label):
            waiter.continuation.resume(throwing: NonceError.deadlineExceeded(
                keyID: keyID, label: label, waited: .nanoseconds(Int64(clamping: waited))))
        }
    }

    /// Picks the next waiter: highest effective priority (base rank + wait / agingStep),
    /// ties to the more urgent class. Caller holds the lock.
    private func popNext(_ s: inout State, nowNanos: UInt64) -> Waiter? {
        guard s.queuedTotal > 0 else { return nil }
        var best = -1
        var bestScore = -Double.infinity
        let count = s.queues.count
        for c in 0..<count {
            guard let head = s.queues[c].first else { continue }
            var score = Double(count - 1 - c)
            if let step = agingStepNanos {
                score += Double(nowNanos &- min(nowNanos, head.enqueuedNanos)) / Double(step)
            }
            if score > bestScore {
                bestScore = score
                best = c
            }
        }
        guard best >= 0, let waiter = s.queues[best].popFirst() else { return nil }
        s.queuedTotal -= 1
        depthGauges[best].record(s.queues[best].count)
        if s.depthWarned && s.queuedTotal <= 0 { s.depthWarned = false }
        return waiter
    }

    /// Hands the baton to the next waiter or marks the lane idle.
    func passBaton(nowNanos: UInt64) {
        let next: Waiter? = state.withLock { s in
            if let w = popNext(&s, nowNanos: nowNanos) {
                s.inFlightLabel = w.label
                return w
            }
            s.busy = false
            s.inFlightLabel = nil
            return nil
        }
        if let next {
            next.deadlineTask?.cancel()
            next.continuation.resume(returning: nowNanos)
        }
    }

    /// Fails every queued call (shutdown).
    func shutDown() -> (any NonceStoreSession)? {
        let (waiters, session): ([Waiter], (any NonceStoreSession)?) = state.withLock { s in
            s.shutDown = true
            var all: [Waiter] = []
            for c in s.queues.indices {
                all.append(contentsOf: s.queues[c])
                s.queues[c].removeAll()
            }
            s.queuedTotal = 0
            return (all, s.busy ? nil : s.session)
        }
        for w in waiters {
            w.deadlineTask?.cancel()
            w.continuation.resume(throwing: NonceError.shutDown)
        }
        return session
    }
}
