import BfxProtocol
import Logging
import Metrics

extension UserDataClient {
    // MARK: - Requests

    /// The value a request resolves with.
    enum CorrelatedValue: Sendable {
        /// Order inputs (`on`, `ou`, `oc`, batches) resolve with the order event's order.
        case order(Order)
        /// Funding inputs (`fon`, `foc`) resolve with the offer.
        case offer(FundingOffer)
    }

    /// Book-keeping for one request.
    struct RequestRecord {
        /// What the request does.
        var kind: UserDataRequestKind
        /// Its correlation key (CID, order ID, offer ID or funding symbol).
        var key: RequestCorrelator<CorrelatedValue>.Key
        /// The frame to write (a buffered single request is written from here after re-auth).
        var frame: String
        /// Fulfilled when the request resolves.
        var promise: RequestPromise<CorrelatedValue>
        /// The `ox_multi`/`oc_multi` batch it belongs to (a refused batch fails all of them).
        var multiGroup: UInt64?
    }

    /// Feeds one channel-0 message to the correlator and resolves the requests it answers.
    func correlate(_ event: UserEvent) {
        var resolutions: [RequestCorrelator<CorrelatedValue>.Resolution] = []
        switch event {
        case let .orderNew(order):
            resolutions = correlator.observe(.orderNew, id: order.id, cid: order.cid, value: .order(order))
        case let .orderUpdate(order):
            resolutions = correlator.observe(.orderUpdate, id: order.id, cid: order.cid, value: .order(order))
        case let .orderCancel(order):
            resolutions = correlator.observe(.orderClose, id: order.id, cid: order.cid, value: .order(order))
        case let .fundingOfferNew(offer):
            resolutions = correlator.observe(.offerNew, id: offer.id, cid: nil, value: .offer(offer))
        case let .fundingOfferUpdate(offer):
            resolutions = correlator.observe(.offerUpdate, id: offer.id, cid: nil, value: .offer(offer))
        case let .fundingOfferCancel(offer):
            resolutions = correlator.observe(.offerClose, id: offer.id, cid: nil, value: .offer(offer))
        case let .notification(notification):
            resolutions = acknowledge(notification)
        default:
            return
        }
        for resolution in resolutions { resolve(resolution.token, resolution.result) }
    }

    /// Matches a `n *-req` notification to pending requests: a failed `ox_multi`/`oc_multi`
    /// fails every armed batch request; a single ack resolves or re-keys its request.
    func acknowledge(_ notification: BfxProtocol.Notification) -> [RequestCorrelator<CorrelatedValue>.Resolution] {
        let type = notification.type
        guard type.hasSuffix("-req") else { return [] }
        let name = String(type.dropLast(4))
        let status = notification.status ?? "UNKNOWN"
        let text = notification.text ?? ""
        let code = notification.code.map { Int($0) }
        if name == "oc_multi" || name == "ox_multi" {
            guard !notification.isSuccess else { return [] }
            // The whole batch was refused: fail every armed request of multi batches.
            var failed: [RequestCorrelator<CorrelatedValue>.Resolution] = []
            for pending in correlator.pendingRequests where pending.deadline != nil && requests[pending.token]?.multiGroup != nil {
                correlator.remove(token: pending.token)
                failed.append(.init(token: pending.token, request: pending.request,
                                    result: .failure(.requestRejected(request: pending.request, status: status, code: code, serverText: text))))
            }
            return failed
        }
        guard let kind = UserDataRequestKind(rawValue: name) else { return [] }
        var objectID: Int64?
        var cid: Int64?
        var symbol: String?
        switch notification.info {
        case let .order(order):
            objectID = order.id == 0 ? nil : order.id
            cid = order.cid
            symbol = order.symbol.isEmpty ? nil : order.symbol
        case let .orders(orders):
            if let order = orders.first {
                objectID = order.id == 0 ? nil : order.id
                cid = order.cid
                symbol = order.symbol.isEmpty ? nil : order.symbol
            }
        case let .fundingOffer(offer):
            objectID = offer.id == 0 ? nil : offer.id
            symbol = offer.symbol.isEmpty ? nil : offer.symbol
        case .none, .value:
            break
        }
        let ack = RequestCorrelator<CorrelatedValue>.Acknowledgement(
            request: kind, objectID: objectID, cid: cid, symbol: symbol,
            status: notification.isSuccess ? "SUCCESS" : status, code: code, text: text)
        return correlator.acknowledge(ack)
    }

    /// Resolves request `token` once (later calls are ignored) and counts the outcome.
    func resolve(_ token: UInt64, _ result: Result<CorrelatedValue, UserDataError>) {
        guard let record = requests.removeValue(forKey: token) else { return }
        Counter(label: "bfx_userdata_requests_total",
                dimensions: [("kind", record.kind.rawValue), ("outcome", Self.outcomeName(result))]).increment()
        record.promise.fulfill(result)
    }

    /// Registers a request and sends it now, or buffers it while disconnected.
    /// - Returns: the promise, and whether the caller must write `frame` now (false: buffered).
    func enqueue(kind: UserDataRequestKind, key: RequestCorrelator<CorrelatedValue>.Key, frame: String,
                 dedupeCID: Int64?, multiGroup: UInt64? = nil, allowBuffering: Bool = true)
        throws -> (promise: RequestPromise<CorrelatedValue>, sendNow: Bool) {
        guard session.phase != .stopped, !session.stopRequested else { throw UserDataError.closed }
        if correlator.isPending(key), kind == .submit {
            throw UserDataError.duplicateCorrelationKey(key.description)
        }
        let promise = RequestPromise<CorrelatedValue>()
        switch outage.route(linkUsable: linkUsable, bufferingEnabled: configuration.bufferWhileDisconnected && allowBuffering) {
        case .refuse:
            throw UserDataError.notConnected
        case .hold:
            let token = correlator.register(kind, key: key, deadline: nil)
            do {
                try outage.hold(request: token, kind: kind, dedupeCID: dedupeCID, now: clock.now())
            } catch {
                correlator.remove(token: token)
                throw error
            }
            requests[token] = RequestRecord(kind: kind, key: key, frame: frame, promise: promise, multiGroup: multiGroup)
            scheduleBufferExpiry()
            return (promise, false)
        case .sendNow:
            let token = correlator.register(kind, key: key, deadline: clock.now() + configuration.requestTimeout)
            requests[token] = RequestRecord(kind: kind, key: key, frame: frame, promise: promise, multiGroup: multiGroup)
            scheduleRequestTimeout()
            return (promise, true)
        }
    }

    /// Whether the connection can take inputs now: ready, not in maintenance, connected (the
    /// outage machine adds: nothing older held or being flushed).
    var linkUsable: Bool { session.acceptsInputs && connection != nil }

    /// Writes frames of requests registered by `enqueue` for direct sending.
    func write(_ frame: String) async {
        guard let connection else { return }
        do {
            try await connection.send(frame)
            counters.framesSent += 1
        } catch {
            // Treated like a loss after sending: the request stays armed, the disconnect parks it
            // and reconciliation decides (never resent blindly, so never duplicated).
            logger.warning("user-data send failed", metadata: ["error": "\(error)"])
        }
    }

    /// Checks request deadlines once `requestTimeout` has passed.
    func scheduleRequestTimeout() {
        let timeout = configuration.requestTimeout
        Task { [clock] in
            do { try await clock.sleep(for: timeout) } catch { return }
            self.expireRequests()
        }
    }

    /// Fails requests whose answer did not arrive before their deadline.
    func expireRequests() {
        for resolution in correlator.expire(now: clock.now()) { resolve(resolution.token, resolution.result) }
    }

    /// Runs an expiry check once whatever is held now has outlived the buffer's maximum age.
    func scheduleBufferExpiry() {
        let delay = outage.expiryCheckDelay
        Task { [clock] in
            do { try await clock.sleep(for: delay) } catch { return }
            self.expireBuffered()
        }
    }

    /// Performs an expiry check: held inputs fail with `expiredInOutageBuffer` (and
    /// `bufferedInputExpired` is emitted), parked in-flight requests fail as outcome unknown.
    func expireBuffered() {
        let expiry = outage.expire(now: clock.now())
        for released in expiry.inputs { expire(released) }
        for token in expiry.inFlight {
            resolve(token, .failure(.outcomeUnknownAfterDisconnect(request: requests[token]?.kind ?? .submit)))
        }
    }

    /// Sends buffered inputs once, in original order, after re-auth and reconciliation.
    func drainOutage() async {
        guard outage.beginFlush() else { return }
        defer { outage.endFlush() }
        var sent = 0
        var expired = 0
        var known = 0
        // Bounded by the machine: each round empties the buffer; new inputs arriving meanwhile
        // join the next round (at most `capacity` + 1 rounds per flush).
        while session.acceptsInputs, let round = outage.nextFlushRound(now: clock.now(), isKnown: { account.order(cid: $0) != nil }) {
            for released in round.expired {
                expire(released)
                expired += 1
            }
            for (token, cid) in round.alreadyKnown {
                correlator.remove(token: token)
                if let order = account.order(cid: cid) { resolve(token, .success(.order(order))) }
                known += 1
            }
            var remaining = round.toSend[...]
            while let entry = remaining.first {
                guard session.phase == .ready, connection != nil else { break }
                guard let frame = await prepareBufferedSend(entry.element) else {
                    if session.phase != .ready || connection == nil { break }
                    remaining = remaining.dropFirst()
                    continue
                }
                // `prepareBufferedSend` may have waited (calc throttle): check the link again.
                guard session.phase == .ready, let connection else { break }
                remaining = remaining.dropFirst()
                armBuffered(entry.element)
                var written = true
                do {
                    try await connection.send(frame)
                    counters.framesSent += 1
                } catch {
                    // Armed requests are parked by the disconnect and resolved by reconciliation
                    // (never resent, so never duplicated).
                    logger.warning("user-data send of buffered input failed", metadata: ["error": "\(error)"])
                    written = false
                }
                sent += 1
                completeBufferedSend(entry.element, written: written)
            }
            if !remaining.isEmpty {
                // Connection lost mid-flush: the unsent rest goes back in front, unarmed.
                outage.restoreUnsent(Array(remaining))
                break
            }
        }
        if sent + expired + known > 0 {
            emit(.outageBufferFlushed(sent: sent, expired: expired, alreadyKnown: known))
        }
    }

    /// The `outcome` dimension of `bfx_userdata_requests_total` for a request result.
    static func outcomeName(_ result: Result<CorrelatedValue, UserDataError>) -> String {
        switch result {
        case .success: return "ok"
        case .failure(.requestRejected): return "rejected"
        case .failure(.requestTimedOut): return "timeout"
        case .failure(.outcomeUnknownAfterDisconnect): return "unknown"
        case .failure(.expiredInOutageBuffer): return "expired"
        case .failure: return "error"
        }
    }

    /// A client order id for an order without one.
    func nextCID() -> Int64 {
        // Milliseconds since midnight UTC × 1000 + sequence: unique within the UTC day (the
        // uniqueness Bitfinex asks for) for up to 1000 orders per ms, and below 2^45.
        cidSequence = (cidSequence + 1) % 1000
        let msOfDay = wallMillis() % 86_400_000
        return msOfDay * 1000 + cidSequence
    }
}
