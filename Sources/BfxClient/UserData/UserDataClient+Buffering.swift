import BfxProtocol

extension UserDataClient {
    /// Whether an input may be written now rather than buffered (same rule for every kind, so
    /// buffered inputs keep their original order relative to later ones).
    var canSendDirectly: Bool {
        outage.route(linkUsable: linkUsable, bufferingEnabled: true) == .sendNow
    }

    /// Registers the requests of one batch frame (`ox_multi`/`oc_multi`) and either arms them
    /// for sending now, or holds the whole frame in the outage buffer (sent once, in order,
    /// after re-auth; expired as a whole).
    /// - Returns: one promise per registration, and whether the caller must write `frame` now.
    func enqueueBatch(_ registrations: [(UserDataRequestKind, RequestCorrelator<CorrelatedValue>.Key)], frame: String)
        throws -> (promises: [RequestPromise<CorrelatedValue>], sendNow: Bool) {
        guard session.phase != .stopped, !session.stopRequested else { throw UserDataError.closed }
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
        var carried: [OutageBufferMachine.BatchRequest] = []
        var promises: [RequestPromise<CorrelatedValue>] = []
        for (kind, key) in registrations {
            let token = correlator.register(kind, key: key, deadline: nil)
            let promise = RequestPromise<CorrelatedValue>()
            requests[token] = RequestRecord(kind: kind, key: key, frame: frame, promise: promise, multiGroup: group)
            carried.append(.init(token: token, kind: kind))
            promises.append(promise)
        }
        try holdBatch(.init(kind: registrations.first?.0 ?? .submit, requests: carried, frame: frame, written: nil))
        return (promises, false)
    }

    /// A `calc` frame: nil when it may be written now, otherwise the promise fulfilled once the
    /// buffered frame is written after re-auth.
    func enqueueCalc(frame: String) throws -> RequestPromise<Bool>? {
        guard session.phase != .stopped, !session.stopRequested else { throw UserDataError.closed }
        if canSendDirectly { return nil }
        guard configuration.bufferWhileDisconnected else { throw UserDataError.notConnected }
        let written = RequestPromise<Bool>()
        try holdBatch(.init(kind: .calc, requests: [], frame: frame, written: written))
        return written
    }

    /// Holds a batch frame; when the buffer refuses it, its registered requests are dropped.
    private func holdBatch(_ batch: OutageBufferMachine.Batch) throws {
        do {
            try outage.hold(batch: batch, now: clock.now())
        } catch {
            for request in batch.requests {
                correlator.remove(token: request.token)
                requests[request.token] = nil
            }
            throw error
        }
        scheduleBufferExpiry()
    }

    /// Drops an expired buffered input: its callers get `.expiredInOutageBuffer`, and the
    /// ``UserDataEvent/bufferedInputExpired(request:requests:)`` event says so.
    func expire(_ released: OutageBufferMachine.ReleasedInput) {
        fail(released, with: nil)
        emit(released.expiredEvent)
    }

    /// Fails every request of an input leaving the buffer unsent (and a calc caller): with
    /// `error`, or with ``UserDataError/expiredInOutageBuffer(request:)`` of each request's kind
    /// when `error` is nil.
    func fail(_ released: OutageBufferMachine.ReleasedInput, with error: UserDataError?) {
        for request in released.requests {
            correlator.remove(token: request.token)
            resolve(request.token, .failure(error ?? .expiredInOutageBuffer(request: request.kind)))
        }
        _ = released.written?.fulfill(.failure(error ?? .expiredInOutageBuffer(request: released.kind)))
    }

    /// The frame to write for a buffered input (nil: nothing left to send, e.g. its requests
    /// were resolved meanwhile). A calc waits for the calc throttle first.
    func prepareBufferedSend(_ input: OutageBufferMachine.Input) async -> String? {
        switch input {
        case let .request(token, _):
            return requests[token]?.frame
        case let .batch(id):
            guard let batch = outage.batch(id) else { return nil }
            if batch.kind == .calc {
                let delay = calcThrottle.reserve(now: clock.now())
                if delay > .zero { try? await clock.sleep(for: delay) }
            }
            return batch.frame
        }
    }

    /// Arms the request timeouts of an input about to be written.
    func armBuffered(_ input: OutageBufferMachine.Input) {
        let carried = outage.requests(of: input)
        guard !carried.isEmpty else { return }
        let deadline = clock.now() + configuration.requestTimeout
        for request in carried { correlator.arm(token: request.token, deadline: deadline) }
        scheduleRequestTimeout()
    }

    /// The input was handed to the connection: a batch leaves the table (its requests resolve
    /// from the server's answers like direct ones); a calc caller returns, or learns that the
    /// write failed.
    func completeBufferedSend(_ input: OutageBufferMachine.Input, written: Bool) {
        guard case let .batch(id) = input, let batch = outage.removeBatch(id) else { return }
        _ = batch.written?.fulfill(written ? .success(true) : .failure(.notConnected))
    }
}
