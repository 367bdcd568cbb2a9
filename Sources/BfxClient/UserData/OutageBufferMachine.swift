/// The decisions about inputs issued while the authenticated connection cannot take them: send
/// now or hold, which held inputs expired, what a flush after re-auth sends, and which requests
/// that were already written when the connection dropped are still waiting for reconciliation.
///
/// A value type with no clock and no I/O: every call that depends on time takes the monotonic
/// `now` (a `Duration` since the client clock's origin) and returns what the actor has to do
/// (resolve requests, emit ``UserDataEvent/bufferedInputExpired(request:requests:)``, arm a timer).
/// It wraps the FIFO ``OutageBuffer`` (capacity, order, CID dedupe, age) and adds the batch
/// frames and the in-flight requests parked at a disconnect.
struct OutageBufferMachine: Sendable {
    /// One held input: a single correlated request, or a batch frame written once as a whole.
    enum Input: Sendable, Equatable {
        /// A correlator token (the frame lives in the actor's request record) and its kind.
        case request(UInt64, UserDataRequestKind)
        /// An id in the machine's batch table.
        case batch(UInt64)
    }

    /// A correlated request carried by a batch frame.
    struct BatchRequest: Sendable, Equatable {
        /// The correlator token.
        var token: UInt64
        /// What the request does (for the error it fails with).
        var kind: UserDataRequestKind
    }

    /// A batch frame (`ox_multi`, `oc_multi`, `calc`) held during an outage.
    struct Batch: Sendable {
        /// `submit`/`cancel`… of the first operation (for events), `.calc` for calc.
        var kind: UserDataRequestKind
        /// Correlated requests answered by this frame (registered unarmed; empty for calc).
        var requests: [BatchRequest]
        /// The frame to write once the link is usable again.
        var frame: String
        /// `calc` only: fulfilled once the frame is written, failed when it never is.
        var written: RequestPromise<Bool>?
    }

    /// Inputs that leave the buffer without being sent (expired, or the client stopped): the
    /// actor fails `requests` (and `written`) and, for expiry, emits `bufferedInputExpired`.
    struct ReleasedInput: Sendable {
        /// The kind reported in ``UserDataEvent/bufferedInputExpired(request:requests:)``.
        var kind: UserDataRequestKind
        /// The correlated requests to fail (one for a single input, any number for a batch).
        var requests: [BatchRequest]
        /// A calc caller waiting for the write.
        var written: RequestPromise<Bool>?

        /// The event announcing this input's expiry (same counts as the caller sees failures).
        var expiredEvent: UserDataEvent { .bufferedInputExpired(request: kind, requests: requests.count) }
    }

    /// Where a new input goes.
    enum Route: Equatable, Sendable {
        /// Write it now: the link is usable and nothing older is waiting.
        case sendNow
        /// Hold it in the buffer (written after re-auth, in order).
        case hold
        /// Buffering is disabled and the link is not usable.
        case refuse
    }

    /// What one expiry check decided.
    struct Expiry: Sendable {
        /// Held inputs older than `maxAge`, oldest first.
        var inputs: [ReleasedInput] = []
        /// Tokens of written requests parked at a disconnect for longer than `maxAge`: they fail
        /// with ``UserDataError/outcomeUnknownAfterDisconnect(request:)``.
        var inFlight: [UInt64] = []
    }

    private var buffer: OutageBuffer<Input>
    private var batches: [UInt64: Batch] = [:]
    private var nextBatchID: UInt64 = 0
    /// Requests written before the last disconnect, with the time they were parked.
    private var inFlight: [(token: UInt64, since: Duration)] = []
    /// A flush is running: new inputs queue behind it even if the link is usable.
    private(set) var isFlushing = false
    private var flushRounds = 0

    /// An empty machine holding at most `capacity` inputs, each for at most `maxAge`.
    init(capacity: Int, maxAge: Duration) {
        buffer = OutageBuffer(capacity: capacity, maxAge: maxAge)
    }

    /// Number of held inputs.
    var count: Int { buffer.count }
    /// Whether no input is held.
    var isEmpty: Bool { buffer.isEmpty }
    /// How long an input may wait.
    var maxAge: Duration { buffer.maxAge }
    /// The delay after which an expiry check catches an input held now (strictly older than `maxAge`).
    var expiryCheckDelay: Duration { buffer.maxAge + .milliseconds(1) }
    /// Whether written requests are parked awaiting reconciliation.
    var hasParkedInFlight: Bool { !inFlight.isEmpty }

    /// Decides where a new input goes. `linkUsable` means ready, not in maintenance, connected;
    /// even then an input waits while older ones are held or being flushed, so order is kept.
    func route(linkUsable: Bool, bufferingEnabled: Bool) -> Route {
        if linkUsable && !isFlushing && buffer.isEmpty { return .sendNow }
        return bufferingEnabled ? .hold : .refuse
    }

    /// Holds a single request. `dedupeCID` is the CID of a new order: if the fresh snapshot
    /// after re-auth already has it, it is not sent again.
    /// - Throws: ``UserDataError/outageBufferFull(capacity:)`` or ``UserDataError/duplicateCorrelationKey(_:)``.
    mutating func hold(request token: UInt64, kind: UserDataRequestKind, dedupeCID: Int64?, now: Duration) throws(UserDataError) {
        try admit(.request(token, kind), dedupeKey: dedupeCID, now: now)
    }

    /// Holds a batch frame; returns its id.
    /// - Throws: ``UserDataError/outageBufferFull(capacity:)`` when the buffer is full.
    @discardableResult
    mutating func hold(batch: Batch, now: Duration) throws(UserDataError) -> UInt64 {
        nextBatchID += 1
        let id = nextBatchID
        try admit(.batch(id), dedupeKey: nil, now: now)
        batches[id] = batch
        return id
    }

    private mutating func admit(_ input: Input, dedupeKey: Int64?, now: Duration) throws(UserDataError) {
        do {
            try buffer.enqueue(input, dedupeKey: dedupeKey, now: now)
        } catch {
            switch error {
            case let .full(capacity): throw .outageBufferFull(capacity: capacity)
            case let .duplicateKey(cid): throw .duplicateCorrelationKey("cid:\(cid)")
            }
        }
    }

    /// The held batch with `id` (nil once written, expired or failed).
    func batch(_ id: UInt64) -> Batch? { batches[id] }

    /// Removes a batch from the table (it was written, or its requests are failed by the caller).
    @discardableResult
    mutating func removeBatch(_ id: UInt64) -> Batch? { batches.removeValue(forKey: id) }

    /// The correlated requests an input carries (what must be armed when it is written).
    func requests(of input: Input) -> [BatchRequest] {
        switch input {
        case let .request(token, kind): return [BatchRequest(token: token, kind: kind)]
        case let .batch(id): return batches[id]?.requests ?? []
        }
    }

    /// Removes what waited longer than `maxAge` at `now`: held inputs and parked in-flight requests.
    mutating func expire(now: Duration) -> Expiry {
        var expiry = Expiry()
        for entry in buffer.removeExpired(now: now) {
            if let released = release(entry.element) { expiry.inputs.append(released) }
        }
        let maxAge = buffer.maxAge
        inFlight.removeAll { item in
            guard now - item.since > maxAge else { return false }
            expiry.inFlight.append(item.token)
            return true
        }
        return expiry
    }

    /// Empties the buffer when the client stops: every held input, oldest first, to be failed.
    mutating func releaseAll(now: Duration) -> [ReleasedInput] {
        let drained = buffer.drain(now: now, isKnown: { _ in false })
        let entries = (drained.toSend + drained.expired + drained.alreadyKnown).sorted { $0.sequence < $1.sequence }
        return entries.compactMap { release($0.element) }
    }

    private mutating func release(_ input: Input) -> ReleasedInput? {
        switch input {
        case let .request(token, kind):
            return ReleasedInput(kind: kind, requests: [BatchRequest(token: token, kind: kind)], written: nil)
        case let .batch(id):
            guard let batch = batches.removeValue(forKey: id) else { return nil }
            return ReleasedInput(kind: batch.kind, requests: batch.requests, written: batch.written)
        }
    }

    // MARK: - In-flight requests at a disconnect

    /// Parks requests that were written when the connection dropped (never resent: resolved
    /// from the reconciled state or failed as outcome unknown). Returns whether an expiry
    /// check must be scheduled.
    mutating func parkInFlight(_ tokens: [UInt64], now: Duration) -> Bool {
        inFlight += tokens.map { (token: $0, since: now) }
        return !inFlight.isEmpty
    }

    /// Takes every parked request (for resolution after reconciliation, or failure on stop).
    mutating func takeInFlight() -> [UInt64] {
        defer { inFlight.removeAll() }
        return inFlight.map(\.token)
    }

    // MARK: - Flush after re-auth

    /// Starts a flush; false when one is already running (the running one picks up new inputs).
    mutating func beginFlush() -> Bool {
        guard !isFlushing else { return false }
        isFlushing = true
        flushRounds = 0
        return true
    }

    /// The next round of a flush: everything held now, classified (expired / already known by
    /// CID / to send, in original order). Nil when nothing is held or the round limit
    /// (`capacity` + 1: each round empties the buffer, inputs arriving meanwhile join the next)
    /// is reached. Expired batches and the batches of known entries leave the table here.
    mutating func nextFlushRound(now: Duration, isKnown: (Int64) -> Bool) -> FlushRound? {
        guard !buffer.isEmpty, flushRounds <= buffer.capacity + 1 else { return nil }
        flushRounds += 1
        let drained = buffer.drain(now: now, isKnown: isKnown)
        var round = FlushRound()
        round.expired = drained.expired.compactMap { release($0.element) }
        for entry in drained.alreadyKnown {
            // Only single requests carry a dedupe key (the CID of a new order).
            guard case let .request(token, _) = entry.element, let cid = entry.dedupeKey else { continue }
            round.alreadyKnown.append((token, cid))
        }
        round.toSend = drained.toSend
        return round
    }

    /// Puts inputs of a round that could not be written (the link dropped mid-flush) back in
    /// front of the buffer, unarmed, in their original order.
    mutating func restoreUnsent(_ entries: [OutageBuffer<Input>.Entry]) {
        buffer.restoreFront(entries)
    }

    /// Ends the running flush.
    mutating func endFlush() {
        isFlushing = false
    }

    /// One round of a flush (see ``nextFlushRound(now:isKnown:)``).
    struct FlushRound: Sendable {
        /// Inputs that expired while held: fail them and emit `bufferedInputExpired` (they also
        /// count in `outageBufferFlushed(expired:)`).
        var expired: [ReleasedInput] = []
        /// Single requests whose order (by CID) the server already has: resolve, never send.
        var alreadyKnown: [(token: UInt64, cid: Int64)] = []
        /// Inputs to write, in original order.
        var toSend: [OutageBuffer<Input>.Entry] = []
    }
}
