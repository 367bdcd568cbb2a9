import BfxProtocol

/// One outage-buffer entry: a single correlated request (`on`, `ou`, `oc`, `fon`, `foc`) or a
/// batch frame (`ox_multi`, `oc_multi`, `calc`) that must be written once, as a whole.
enum BufferedInput: Sendable {
    /// A request token of the correlator (its frame is in the request record).
    case request(UInt64)
    /// An id in ``UserDataClient/batches``.
    case batch(UInt64)
}

/// A batch frame held during an outage with the requests it carries.
struct BufferedBatch {
    /// `submit`/`cancel`… of the first operation (for messages), `.calc` for calc.
    var kind: UserDataRequestKind
    /// Correlated requests answered by this frame (registered unarmed; empty for calc).
    var tokens: [UInt64]
    var frame: String
    /// `calc` only: fulfilled once the frame is written (or failed when it is not).
    var written: RequestPromise<Bool>?
}

extension UserDataClient {
    /// Whether an input may be written now rather than buffered (same rule for every kind, so
    /// buffered inputs keep their original order relative to later ones).
    var canSendDirectly: Bool {
        phase == .ready && !maintenance && !draining && outage.isEmpty && connection != nil
    }

    /// Registers the requests of one batch frame (`ox_multi`/`oc_multi`) and either arms them
    /// for sending now, or holds the whole frame in the outage buffer (sent once, in order,
    /// after re-auth; expired as a whole).
    /// - Returns: one promise per registration, and whether the caller must write `frame` now.
    func enqueueBatch(_ registrations: [(UserDataRequestKind, RequestCorrelator<CorrelatedValue>.Key)], frame: String)
        throws -> (promises: [RequestPromise<CorrelatedValue>], sendNow: Bool) {
        guard phase != .stopped, !stopRequested else { throw UserDataError.closed }
        let group = nextMultiGroup()
        if canSendDirectly {
            var promises: [RequestPromise<CorrelatedValue>] = []
            for (kind, key) in registrations {
                let (promise, _) = try enqueue(kind: kind, key: key, frame: frame, dedupeCID: nil, multiGroup: group,
                                               allowBuffering: false)
                promises.append(promise)
            }
            return (promises, true)
        }
        guard configuration.bufferWhileDisconnected else { throw UserDataError.notConnected }
        for (kind, key) in registrations where kind == .submit && correlator.isPending(key) {
            throw UserDataError.duplicateCorrelationKey(key.description)
        }
        var tokens: [UInt64] = []
        var promises: [RequestPromise<CorrelatedValue>] = []
        for (kind, key) in registrations {
            let token = correlator.register(kind, key: key, deadline: nil)
            let promise = RequestPromise<CorrelatedValue>()
            requests[token] = RequestRecord(kind: kind, key: key, frame: frame, promise: promise, multiGroup: group)
            tokens.append(token)
            promises.append(promise)
        }
        try holdBatch(BufferedBatch(kind: registrations.first?.0 ?? .submit, tokens: tokens, frame: frame, written: nil))
        return (promises, false)
    }

    /// A `calc` frame: nil when it may be written now, otherwise the promise fulfilled once the
    /// buffered frame is written after re-auth.
    func enqueueCalc(frame: String) throws -> RequestPromise<Bool>? {
        guard phase != .stopped, !stopRequested else { throw UserDataError.closed }
        if canSendDirectly { return nil }
        guard configuration.bufferWhileDisconnected else { throw UserDataError.notConnected }
        let written = RequestPromise<Bool>()
        try holdBatch(BufferedBatch(kind: .calc, tokens: [], frame: frame, written: written))
        return written
    }

    private func holdBatch(_ batch: BufferedBatch) throws {
        nextBatchID += 1
        let id = nextBatchID
        do {
            try outage.enqueue(.batch(id), dedupeKey: nil, now: clock.now())
        } catch {
            for token in batch.tokens {
                correlator.remove(token: token)
                requests[token] = nil
            }
            switch error {
            case let .full(capacity): throw UserDataError.outageBufferFull(capacity: capacity)
            case let .duplicateKey(cid): throw UserDataError.duplicateCorrelationKey("cid:\(cid)")
            }
        }
        batches[id] = batch
        scheduleBufferExpiry()
    }

    /// Drops an expired buffered input: its callers get `.expiredInOutageBuffer`, and the
    /// ``UserDataEvent/bufferedInputExpired(request:requests:)`` event says so.
    func expire(_ input: BufferedInput) {
        switch input {
        case let .request(token):
            let kind = requests[token]?.kind ?? .submit
            correlator.remove(token: token)
            resolve(token, .failure(.expiredInOutageBuffer(request: kind)))
            emit(.bufferedInputExpired(request: kind, requests: 1))
        case let .batch(id):
            guard let batch = batches[id] else { return }
            failBatch(id, .expiredInOutageBuffer(request: batch.kind))
            emit(.bufferedInputExpired(request: batch.kind, requests: batch.tokens.count))
        }
    }

    /// Fails every request of a buffered batch (and its calc promise) with `error`.
    func failBatch(_ id: UInt64, _ error: UserDataError) {
        guard let batch = batches.removeValue(forKey: id) else { return }
        for token in batch.tokens {
            let kind = requests[token]?.kind ?? batch.kind
            correlator.remove(token: token)
            if case .expiredInOutageBuffer = error {
                resolve(token, .failure(.expiredInOutageBuffer(request: kind)))
            } else {
                resolve(token, .failure(error))
            }
        }
        _ = batch.written?.fulfill(.failure(error))
    }

    /// The frame to write for a buffered input (nil: nothing left to send, e.g. its requests
    /// were resolved meanwhile). A calc waits for the calc throttle first.
    func prepareBufferedSend(_ input: BufferedInput) async -> String? {
        switch input {
        case let .request(token):
            return requests[token]?.frame
        case let .batch(id):
            guard let batch = batches[id] else { return nil }
            if batch.kind == .calc {
                let delay = calcThrottle.reserve(now: clock.now())
                if delay > .zero { try? await clock.sleep(for: delay) }
            }
            return batch.frame
        }
    }

    /// Arms the request timeouts of an input about to be written.
    func armBuffered(_ input: BufferedInput) {
        let tokens: [UInt64]
        switch input {
        case let .request(token): tokens = [token]
        case let .batch(id): tokens = batches[id]?.tokens ?? []
        }
        guard !tokens.isEmpty else { return }
        let deadline = clock.now() + configuration.requestTimeout
        for token in tokens { correlator.arm(token: token, deadline: deadline) }
        scheduleRequestTimeout()
    }

    /// The input was handed to the connection: a batch leaves the table (its requests resolve
    /// from the server's answers like direct ones); a calc caller returns, or learns that the
    /// write failed.
    func completeBufferedSend(_ input: BufferedInput, written: Bool) {
        guard case let .batch(id) = input, let batch = batches.removeValue(forKey: id) else { return }
        _ = batch.written?.fulfill(written ? .success(true) : .failure(.notConnected))
    }
}
