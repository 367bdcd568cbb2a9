import BfxProtocol
import Logging
import Metrics
import Synchronization

/// Issues nonces for signed Bitfinex calls and dispatches those calls one at a time per API key.
///
/// Every signed call of a key (REST and WebSocket `auth`) goes through ``perform(key:priority:label:deadline:_:)``:
/// the call waits in the key's priority queue (with aging), then — inside the key's serialized
/// section and holding the key store's lock — gets a nonce `max(last + 1, now)` and runs. The next
/// call of that key starts only after the closure returned, i.e. after the previous request
/// reached the server, so requests can never overtake each other on the wire.
///
/// ```swift
/// let manager = NonceManager()
/// let wallets = try await manager.perform(key: "main", priority: .normal, label: "wallets") { nonce in
///     try await rest.send(path: "auth/r/wallets", nonce: nonce)
/// }
/// ```
public final class NonceManager: Sendable {
    /// The configuration in force.
    public let configuration: NonceManagerConfiguration
    /// The clock used for nonce values, waits and deadlines.
    public let clock: any BfxClock
    /// The store used for keys without an explicit store.
    public let defaultStore: any NonceStore
    /// Typed threshold warnings (also logged). Buffers the newest 256.
    public let warnings: AsyncStream<NonceWarning>

    private let logger: Logger
    private let warningContinuation: AsyncStream<NonceWarning>.Continuation
    private let classIndex: [NoncePriority: Int]
    private let errorCounters: Mutex<[String: Counter]>
    /// Key id → lane; created on first use by any caller task, hence the Mutex.
    private let lanes: Mutex<[String: KeyLane]>
    /// Explicit store choice per key; read on lane creation, hence the Mutex.
    private let storesByKey: Mutex<[String: any NonceStore]>
    /// Last measured server − local wall clock difference, µs, and whether the warning is active.
    private let skew: Mutex<(value: Int64?, warned: Bool)>
    private let processHolder: String

    /// Creates a manager.
    /// - Parameters:
    ///   - configuration: classes, aging, limits, thresholds.
    ///   - clock: wall/monotonic clock (inject the manual clock of `BfxTestSupport` in tests).
    ///   - defaultStore: store for keys without ``setStore(_:for:)`` (default: memory).
    ///   - logger: where issues (trace), recoveries and warnings are logged.
    public init(configuration: NonceManagerConfiguration = NonceManagerConfiguration(),
                clock: any BfxClock = SystemClock(),
                defaultStore: any NonceStore = MemoryNonceStore(),
                logger: Logger = Logger(label: "bfxkit.nonce")) {
        self.configuration = configuration
        self.clock = clock
        self.defaultStore = defaultStore
        self.logger = logger
        var index: [NoncePriority: Int] = [:]
        for (i, c) in configuration.priorityClasses.enumerated() where index[c.priority] == nil { index[c.priority] = i }
        self.classIndex = index
        (warnings, warningContinuation) = AsyncStream.makeStream(of: NonceWarning.self, bufferingPolicy: .bufferingNewest(256))
        lanes = Mutex([:])
        storesByKey = Mutex([:])
        errorCounters = Mutex([:])
        skew = Mutex((nil, false))
        processHolder = "pid \(ProcessIdentity.pid)@\(ProcessIdentity.hostname)"
    }

    deinit { warningContinuation.finish() }

    /// Chooses the store for one key. Takes effect if the key has not been used yet.
    public func setStore(_ store: any NonceStore, for keyID: String) {
        storesByKey.withLock { $0[keyID] = store }
    }

    /// The configured priority classes, most urgent first.
    public var priorities: [NoncePriority] { configuration.priorityClasses.map(\.priority) }

    private func lane(_ keyID: String) -> KeyLane {
        if let lane = lanes.withLock({ $0[keyID] }) { return lane }
        let store = storesByKey.withLock { $0[keyID] } ?? defaultStore
        return lanes.withLock { lanes in
            if let lane = lanes[keyID] { return lane }
            let lane = KeyLane(keyID: keyID, store: store, configuration: configuration)
            lanes[keyID] = lane
            return lane
        }
    }

    /// Runs one signed call of `key` in order: queued by `priority` (with aging), then given a
    /// fresh nonce inside the key's serialized section; the next call of the key starts after
    /// `body` returns. On `10114 nonce: small` (an error classified ``SignedCallFailure/nonceTooSmall(serverFloor:)``)
    /// the floor is raised past the rejected nonce and `body` runs once more with a fresh nonce.
    ///
    /// Cancelling the task or passing `deadline` (maximum time queued, on the manager's clock)
    /// removes a still-queued call without consuming a nonce.
    /// - Returns: `body`'s result.
    /// - Throws: ``NonceError`` (queue full, deadline, ceiling, store), `CancellationError`, or `body`'s error.
    nonisolated(nonsending)
    public func perform<T>(key: String, priority: NoncePriority = .normal, label: String,
                           deadline: Duration? = nil, _ body: (Int64) async throws -> T) async throws -> T {
        guard let cls = classIndex[priority] else { throw NonceError.unknownPriority(priority) }
        let lane = lane(key)
        let enqueued = clock.monotonicNanos()
        let dispatched = try await lane.enter(
            classIndex: cls, label: label, nowNanos: enqueued,
            deadlineNanos: deadline.map { enqueued &+ $0.nanosecondsClamped }, clock: clock,
            depthThreshold: configuration.thresholds.queueDepth,
            onDepthWarning: { depth in
                self.warn(.queueDepth(keyID: key, depth: depth, threshold: self.configuration.thresholds.queueDepth))
            })
        // We hold the key's baton from here on; every path below must pass it on.
        let waitNanos = dispatched &- min(dispatched, enqueued)
        var storeLocked = false
        var session: (any NonceStoreSession)?
        do {
            if Task.isCancelled {
                lane.state.withLock { $0.counters.cancelled += 1 }
                throw CancellationError()
            }
            let s = try await openSession(lane)
            session = s
            // Holder text only matters to shared stores; skip the allocation for memory.
            let holder = lane.storeKind == .memory ? "" : "\(processHolder) \(label)"
            // A store that locks and issues in one step (PostgreSQL) saves a round trip per call.
            var preissued: Int64?
            var floor: Int64 = 0
            if lane.storeKind != .memory,
               let n = try await s.acquireIssuing(holder: holder, candidate: try candidate(lane)) {
                preissued = n
            } else {
                floor = try await s.acquire(holder: holder)
            }
            storeLocked = true
            lane.waitTimer.recordNanoseconds(Int64(clamping: waitNanos))
            let waitThreshold = configuration.thresholds.queueWait.nanosecondsClamped
            // Once per episode: fire on the first slow call, re-arm after a call below half the threshold.
            let fireWait: Bool = lane.state.withLock { st in
                if waitNanos > waitThreshold {
                    defer { st.waitWarned = true }
                    return !st.waitWarned
                }
                if waitNanos < waitThreshold / 2 { st.waitWarned = false }
                return false
            }
            if fireWait {
                warn(.queueWait(keyID: key, label: label, waited: .nanoseconds(Int64(clamping: waitNanos)),
                                threshold: configuration.thresholds.queueWait))
            }
            var attempt = 1
            var storeFloor = floor
            while true {
                let nonce: Int64
                if let n = preissued {
                    // The store already persisted `n`: adopt exactly that value.
                    preissued = nil
                    nonce = try issue(lane, storeFloor: n &- 1, nowMicros: 0)
                } else {
                    nonce = try issue(lane, storeFloor: storeFloor)
                    try await s.commit(nonce)
                }
                do {
                    let result = try await body(nonce)
                    complete(lane, nonce: nonce, label: label, priority: priority, waitNanos: waitNanos,
                             outcome: "ok", attempt: attempt, failed: false, succeeded: true)
                    await s.release()
                    lane.passBaton(nowNanos: clock.monotonicNanos())
                    return result
                } catch {
                    let failure = Self.classify(error)
                    complete(lane, nonce: nonce, label: label, priority: priority, waitNanos: waitNanos,
                             outcome: failure.map(\.name) ?? "cancelled", attempt: attempt, failed: failure != nil,
                             succeeded: false)
                    guard let failure else { throw error }
                    countError(key: key, failure: failure)
                    if case .nonceTooSmall(let serverFloor) = failure {
                        lane.rejectedCounter.increment()
                        lane.state.withLock { $0.counters.nonceRejected += 1 }
                        warn(.nonceRejected(keyID: key, nonce: nonce, label: label))
                        let newFloor = max(nonce, serverFloor ?? 0)
                        lane.state.withLock { $0.sequence.raise(to: newFloor) }
                        try await s.commit(newFloor)
                        storeFloor = max(storeFloor, newFloor)
                        if attempt == 1 && configuration.retryOnNonceTooSmall && !Task.isCancelled {
                            attempt += 1
                            lane.retriedCounter.increment()
                            lane.state.withLock { $0.counters.retried += 1 }
                            logger.warning("nonce rejected as too small; floor raised, retrying once",
                                           metadata: ["key": "\(key)", "nonce": "\(nonce)", "floor": "\(newFloor)", "label": "\(label)"])
                            continue
                        }
                    } else {
                        logger.debug("signed call failed", metadata: ["key": "\(key)", "label": "\(label)",
                                                                      "kind": "\(failure.name)", "nonce": "\(nonce)"])
                        await quarantineIfUnknown(lane, error: error, nonce: nonce, label: label)
                    }
                    throw error
                }
            }
        } catch {
            if storeLocked, let session { await session.release() }
            lane.passBaton(nowNanos: clock.monotonicNanos())
            throw error
        }
    }

    /// Issues one nonce for `key` through the same ordering as ``perform(key:priority:label:deadline:_:)``
    /// (for a WebSocket `auth` message). The key's section is released as soon as the nonce is
    /// returned; to keep strict wire order until the `auth` ack, prefer `perform` with a closure
    /// that sends the auth message and awaits the ack.
    nonisolated(nonsending)
    public func nextNonce(for key: String, priority: NoncePriority = .critical, label: String = "ws/auth") async throws -> Int64 {
        try await perform(key: key, priority: priority, label: label) { $0 }
    }

    /// Raises `key`'s floor so every later nonce is greater than `value` (e.g. after learning the
    /// server's last nonce). Goes through the key's queue at `critical` priority.
    public func raiseFloor(key: String, to value: Int64) async throws {
        let lane = lane(key)
        let now = clock.monotonicNanos()
        _ = try await lane.enter(classIndex: 0, label: "raise-floor", nowNanos: now, deadlineNanos: nil, clock: clock,
                                 depthThreshold: .max, onDepthWarning: { _ in })
        var locked = false
        var session: (any NonceStoreSession)?
        do {
            let s = try await openSession(lane)
            session = s
            let floor = try await s.acquire(holder: "\(processHolder) raise-floor")
            locked = true
            let target = min(max(value, floor), NonceSequence.maximum)
            lane.state.withLock { $0.sequence.raise(to: target) }
            try await s.commit(lane.state.withLock { $0.sequence.last })
            await s.release()
            lane.passBaton(nowNanos: clock.monotonicNanos())
        } catch {
            if locked, let session { await session.release() }
            lane.passBaton(nowNanos: clock.monotonicNanos())
            throw error
        }
    }

    /// Records the server's time (ms since epoch, e.g. from a response's `MTS`) to track clock skew;
    /// warns when it exceeds the threshold.
    package func recordServerTime(millis: UInt64) {
        let local = Int64(clamping: clock.wallMicros())
        let skewMicros = Int64(clamping: millis) &* 1_000 &- local
        let threshold = Int64(clamping: configuration.thresholds.clockSkew.microsecondsClamped)
        let fire: Bool = skew.withLock { s in
            s.value = skewMicros
            let over = abs(skewMicros) > threshold
            defer { s.warned = over }
            return over && !s.warned
        }
        if fire { warn(.clockSkew(skewMicros: skewMicros, threshold: configuration.thresholds.clockSkew)) }
    }

    /// The last measured clock skew (server − local), µs.
    public var clockSkewMicros: Int64? { skew.withLock { $0.value } }

    /// Everything known about every key: last nonce, store state, in-flight call, queue depths,
    /// counters, wait percentiles and the most recent issues.
    public func snapshot(recentLimit: Int = 100) async -> NonceManagerSnapshot {
        let all = lanes.withLock { Array($0.values) }.sorted { $0.keyID < $1.keyID }
        var keys: [NonceKeySnapshot] = []
        var recent: [NonceIssueRecord] = []
        for lane in all {
            let (last, busy, label, queued, counters, waits, history, session) = lane.state.withLock { s in
                (s.sequence.last, s.busy, s.inFlightLabel, s.queues.map(\.count), s.counters, s.waits.elements,
                 s.history.elements, s.session)
            }
            let status: NonceStoreStatus
            if let session {
                status = await session.status()
            } else {
                status = NonceStoreStatus(kind: lane.store.kind, location: "not opened")
            }
            var perClass: [String: Int] = [:]
            for (i, c) in configuration.priorityClasses.enumerated() { perClass[c.priority.name] = queued[i] }
            keys.append(NonceKeySnapshot(keyID: lane.keyID, lastNonce: last, store: status, inFlight: busy,
                                         inFlightLabel: label, queued: perClass, counters: counters,
                                         queueWait: NonceWaitPercentiles.of(waits)))
            recent.append(contentsOf: history)
        }
        recent.sort { ($0.timeMicros, $0.nonce) < ($1.timeMicros, $1.nonce) }
        if recent.count > recentLimit { recent.removeFirst(recent.count - recentLimit) }
        return NonceManagerSnapshot(timeMicros: clock.wallMicros(), keys: keys, clockSkewMicros: clockSkewMicros,
                                    recent: recent)
    }

    /// Fails every queued call with ``NonceError/shutDown`` and closes idle store sessions.
    public func shutdown() async {
        let all = lanes.withLock { Array($0.values) }
        for lane in all {
            if let session = lane.shutDown() { await session.close() }
        }
        warningContinuation.finish()
    }

    // MARK: - Internals

    private func openSession(_ lane: KeyLane) async throws -> any NonceStoreSession {
        if let s = lane.state.withLock({ $0.session }) { return s }
        let s = try await lane.store.openSession(keyID: lane.keyID)
        lane.state.withLock { $0.session = s }
        return s
    }

    /// The nonce ``issue(_:storeFloor:nowMicros:)`` would hand out now, without advancing.
    private func candidate(_ lane: KeyLane) throws -> Int64 {
        let now = clock.wallMicros()
        return try lane.state.withLock { s throws(NonceError) in
            var copy = s.sequence
            return try copy.next(nowMicros: now, keyID: lane.keyID)
        }
    }

    @inline(__always)
    private func issue(_ lane: KeyLane, storeFloor: Int64, nowMicros: UInt64? = nil) throws -> Int64 {
        let now = nowMicros ?? clock.wallMicros()
        let nonce: Int64 = try lane.state.withLock { s throws(NonceError) in
            s.sequence.raise(to: storeFloor)
            let n = try s.sequence.next(nowMicros: now, keyID: lane.keyID)
            s.counters.issued &+= 1
            return n
        }
        lane.issuedCounter.increment()
        if nonce > configuration.thresholds.nonceCeilingWarning {
            let fire = lane.state.withLock { s in
                defer { s.ceilingWarned = true }
                return !s.ceilingWarned
            }
            if fire { warn(.nearCeiling(keyID: lane.keyID, nonce: nonce, remaining: NonceSequence.maximum - nonce)) }
        }
        if logger.logLevel <= .trace {
            logger.trace("nonce issued", metadata: ["key": "\(lane.keyID)", "nonce": "\(nonce)"])
        }
        return nonce
    }

    private func complete(_ lane: KeyLane, nonce: Int64, label: String, priority: NoncePriority, waitNanos: UInt64,
                          outcome: String, attempt: Int, failed: Bool, succeeded: Bool) {
        let record = NonceIssueRecord(timeMicros: clock.wallMicros(), keyID: lane.keyID, nonce: nonce, label: label,
                                      priority: priority.name, queueWaitMicros: waitNanos / 1_000, outcome: outcome,
                                      attempt: attempt)
        let thresholds = configuration.thresholds
        let rate: Double? = lane.state.withLock { s in
            s.history.append(record)
            if attempt == 1 { s.waits.append(waitNanos / 1_000) }
            if succeeded { s.counters.succeeded &+= 1 }
            if !failed && !succeeded { s.counters.cancelled &+= 1 }
            s.outcomes.append(failed)
            guard failed || s.errorRateWarned else { return nil }
            let window = s.outcomes.elements
            guard window.count >= min(thresholds.errorRateWindow, 10) else { return nil }
            let r = Double(window.lazy.filter { $0 }.count) / Double(window.count)
            if r > thresholds.errorRate {
                if s.errorRateWarned { return nil }
                s.errorRateWarned = true
                return r
            }
            // Hysteresis: re-arm only well below the threshold so a rate hovering around it
            // does not fire every few calls.
            if r < thresholds.errorRate / 2 { s.errorRateWarned = false }
            return nil
        }
        if let rate { warn(.errorRate(keyID: lane.keyID, rate: rate, threshold: thresholds.errorRate)) }
    }

    private func countError(key: String, failure: SignedCallFailure) {
        lanes.withLock { $0[key] }?.state.withLock { s in
            switch failure {
            case .nonceTooSmall: break
            case .rateLimited: s.counters.rateLimited += 1
            case .retryable: s.counters.retryable += 1
            case .fatal: s.counters.fatal += 1
            case .other: s.counters.otherErrors += 1
            }
        }
        let counter = errorCounters.withLock { c in
            let id = "\(key)|\(failure.name)"
            if let existing = c[id] { return existing }
            let created = Counter(label: "bfx_nonce_errors_total", dimensions: [("key", key), ("kind", failure.name)])
            c[id] = created
            return created
        }
        counter.increment()
        if case .fatal = failure {
            logger.error("signed call failed fatally (check key and permissions)", metadata: ["key": "\(key)"])
        }
    }

    /// After a failure whose request may still reach the server, keeps the baton (and the store's
    /// lock) for ``NonceManagerConfiguration/unknownOutcomeQuarantine`` on the manager's clock, so
    /// no newer nonce of the key can overtake the late request. Cancellation ends the wait early.
    private func quarantineIfUnknown(_ lane: KeyLane, error: any Error, nonce: Int64, label: String) async {
        let quarantine = configuration.unknownOutcomeQuarantine
        guard quarantine > .zero, let c = error as? any SignedCallFailureClassifiable, c.requestMayStillArrive else { return }
        lane.state.withLock { $0.counters.quarantined += 1 }
        logger.warning("signed call of unknown outcome; holding the key's lane so a late request cannot be overtaken",
                       metadata: ["key": "\(lane.keyID)", "nonce": "\(nonce)", "label": "\(label)", "quarantine": "\(quarantine)"])
        try? await clock.sleep(for: quarantine)
    }

    /// Classifies `error`; `nil` for cancellation.
    static func classify(_ error: any Error) -> SignedCallFailure? {
        if error is CancellationError { return nil }
        if let c = error as? any SignedCallFailureClassifiable { return c.signedCallFailure }
        return .other
    }

    private func warn(_ warning: NonceWarning) {
        logger.warning("\(warning.description)", metadata: ["warning": "\(warning.kind)"])
        warningContinuation.yield(warning)
    }
}
