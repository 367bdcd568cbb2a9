import BfxProtocol

extension UserDataClient {
    /// Submits a new order (`on`) and returns it as the server confirmed it.
    ///
    /// Resolves on the `on` (or, for an immediately executed order, `oc`) carrying the order's
    /// CID; a `n on-req` with status ERROR/FAILURE throws ``UserDataError/requestRejected(request:status:code:serverText:)``
    /// with the server text. A CID is assigned when `order.cid` is nil. While disconnected the
    /// input is held in the outage buffer and sent once after re-auth (see docs/user-data.md).
    public func submit(_ order: NewOrder) async throws -> Order {
        var order = order
        let cid = order.cid ?? nextCID()
        order.cid = cid
        let frame = BfxRequest.newOrder(order).text
        let (promise, sendNow) = try enqueue(kind: .submit, key: .cid(cid), frame: frame, dedupeCID: cid)
        if sendNow { await write(frame) }
        return try Self.order(from: try await promise.value())
    }

    /// Updates an order (`ou`); resolves on the `ou` (or `oc`) that follows a successful `n ou-req`.
    public func update(_ update: OrderUpdate) async throws -> Order {
        let frame = BfxRequest.updateOrder(update).text
        let (promise, sendNow) = try enqueue(kind: .update, key: .orderID(update.id), frame: frame, dedupeCID: nil)
        if sendNow { await write(frame) }
        return try Self.order(from: try await promise.value())
    }

    /// Cancels an order by ID or by CID + date (`oc`); resolves with the closed order (`oc`).
    public func cancel(_ cancel: OrderCancel) async throws -> Order {
        let key: RequestCorrelator<CorrelatedValue>.Key
        switch cancel {
        case let .id(id): key = .orderID(id)
        case let .cid(cid, _): key = .cid(cid)
        }
        let frame = BfxRequest.cancelOrder(cancel).text
        let (promise, sendNow) = try enqueue(kind: .cancel, key: key, frame: frame, dedupeCID: nil)
        if sendNow { await write(frame) }
        return try Self.order(from: try await promise.value())
    }

    /// Cancels several orders with one `oc_multi`. Returns one result per order the client
    /// knows to be affected (by ID/CID as given; for `gid`/`all` the matching open orders in
    /// ``accountState`` when called), each resolved by that order's `oc`. While disconnected
    /// the frame is held in the outage buffer like a single input (sent once, in order, after
    /// re-auth; failed with ``UserDataError/expiredInOutageBuffer(request:)`` when too old).
    public func cancelMulti(_ cancel: OrderCancelMulti) async throws -> [Result<Order, UserDataError>] {
        let keys = cancelKeys(for: cancel)
        let frame = BfxRequest.cancelOrders(cancel).text
        let (promises, sendNow) = try enqueueBatch(keys.map { (.cancel, $0) }, frame: frame)
        if sendNow { await write(frame) }
        return await Self.collect(promises)
    }

    /// Sends up to 75 operations in one `ox_multi`; returns one result per correlated request
    /// in operation order (an `oc_multi` operation contributes one result per affected order).
    /// Each resolves like its single counterpart. While disconnected the whole frame is held in
    /// the outage buffer (sent once, in order, after re-auth; expired as a whole).
    public func multi(_ operations: [OrderOperation]) async throws -> [Result<Order, UserDataError>] {
        guard operations.count <= BfxRequest.maxMultiOps else {
            throw UserDataError.invalidRequest("ox_multi allows at most \(BfxRequest.maxMultiOps) operations, got \(operations.count)")
        }
        guard !operations.isEmpty else { return [] }
        var ops: [OrderOperation] = []
        var registrations: [(UserDataRequestKind, RequestCorrelator<CorrelatedValue>.Key)] = []
        for operation in operations {
            switch operation {
            case var .new(order):
                let cid = order.cid ?? nextCID()
                order.cid = cid
                ops.append(.new(order))
                registrations.append((.submit, .cid(cid)))
            case let .update(update):
                ops.append(operation)
                registrations.append((.update, .orderID(update.id)))
            case let .cancel(cancel):
                ops.append(operation)
                switch cancel {
                case let .id(id): registrations.append((.cancel, .orderID(id)))
                case let .cid(cid, _): registrations.append((.cancel, .cid(cid)))
                }
            case let .cancelMulti(cancel):
                ops.append(operation)
                registrations += cancelKeys(for: cancel).map { (.cancel, $0) }
            }
        }
        let frame: String
        do {
            frame = try BfxRequest.multiOp(ops).text
        } catch {
            throw UserDataError.invalidRequest("ox_multi: \(error)")
        }
        let (promises, sendNow) = try enqueueBatch(registrations, frame: frame)
        if sendNow { await write(frame) }
        return await Self.collect(promises)
    }

    /// Requests on-demand calculations (`calc`), e.g. `["margin_sym_tBTCUSD", "balance"]`.
    /// Batches larger than 30 are split; sends are spaced to at most 8 per second. The results
    /// arrive as ordinary `miu`/`pu`/`wu`/`bu`/`fiu` messages. Returns once every chunk is
    /// written. While disconnected each chunk is held in the outage buffer like an order input
    /// (written once, in order, after re-auth; ``UserDataError/expiredInOutageBuffer(request:)``
    /// when too old).
    public func calc(_ requests: [String]) async throws {
        guard !requests.isEmpty else { return }
        var start = 0
        while start < requests.count {
            let end = min(start + BfxRequest.maxCalcRequests, requests.count)
            let chunk = Array(requests[start..<end])
            start = end
            let frame: String
            do {
                frame = try BfxRequest.calc(chunk).text
            } catch {
                throw UserDataError.invalidRequest("calc: \(error)")
            }
            if let written = try enqueueCalc(frame: frame) {
                _ = try await written.value()
                continue
            }
            let delay = calcThrottle.reserve(now: clock.now())
            if delay > .zero { try await clock.sleep(for: delay) }
            if let written = try enqueueCalc(frame: frame) {
                // The connection went away during the throttle wait: held like any input.
                _ = try await written.value()
                continue
            }
            await write(frame)
        }
    }

    /// Writes `text` as one text frame on the authenticated connection, for protocol experiments
    /// (e.g. `[0,"calc",null,[["balance"]]]` or `{"event":"ping","cid":1}`). Nothing is correlated:
    /// responses arrive through ``events()`` like any other server message.
    /// - Throws: ``UserDataError/invalidRawFrame(_:)`` when `text` is not one JSON document,
    ///   ``UserDataError/rawAuthRefused`` for an `auth` event (auth nonces must come from the
    ///   nonce manager), ``UserDataError/notConnected`` unless the connection is ready, or the
    ///   transport's error when the write fails.
    public func sendRaw(_ text: String) async throws {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            throw UserDataError.invalidRawFrame("\(error)")
        }
        if case .object(let object) = value, case .string(let event)? = object["event"],
           event.lowercased() == "auth" {
            throw UserDataError.rawAuthRefused
        }
        guard session.phase == .ready, let connection else { throw UserDataError.notConnected }
        try await connection.send(text)
        counters.framesSent += 1
    }

    /// Creates a funding offer (`fon`); resolves on the `fon` of the offer the `n fon-req` named.
    public func submitFundingOffer(_ offer: NewFundingOffer) async throws -> FundingOffer {
        let frame = BfxRequest.newFundingOffer(offer).text
        let (promise, sendNow) = try enqueue(kind: .fundingOffer, key: .fundingSymbol(offer.symbol), frame: frame, dedupeCID: nil)
        if sendNow { await write(frame) }
        return try Self.offer(from: try await promise.value())
    }

    /// Cancels a funding offer (`foc`); resolves on its `foc`.
    public func cancelFundingOffer(id: Int64) async throws -> FundingOffer {
        let frame = BfxRequest.cancelFundingOffer(id: id).text
        let (promise, sendNow) = try enqueue(kind: .fundingCancel, key: .offerID(id), frame: frame, dedupeCID: nil)
        if sendNow { await write(frame) }
        return try Self.offer(from: try await promise.value())
    }

    // MARK: Helpers

    /// The correlation keys of the orders a multi-cancel affects (for `gids`/`all`: the
    /// matching open orders known now).
    func cancelKeys(for cancel: OrderCancelMulti) -> [RequestCorrelator<CorrelatedValue>.Key] {
        switch cancel {
        case let .ids(ids):
            return ids.map { .orderID($0) }
        case let .cids(cids):
            return cids.map { .cid($0.cid) }
        case let .gids(gids):
            let set = Set(gids)
            return account.openOrders.filter { $0.gid.map(set.contains) ?? false }.map { .orderID($0.id) }
        case .all:
            return account.openOrders.map { .orderID($0.id) }
        }
    }

    /// A fresh id tying the requests of one batch frame together.
    func nextMultiGroup() -> UInt64 {
        delivery.nextIdentifier()
    }

    /// Awaits every promise of a batch, in order, turning each into a per-order result.
    static func collect(_ promises: [RequestPromise<CorrelatedValue>]) async -> [Result<Order, UserDataError>] {
        var results: [Result<Order, UserDataError>] = []
        for promise in promises {
            do {
                results.append(.success(try order(from: try await promise.value())))
            } catch let error as UserDataError {
                results.append(.failure(error))
            } catch {
                results.append(.failure(.invalidRequest("\(error)")))
            }
        }
        return results
    }

    /// The order a request resolved with (an offer here is a correlation bug, reported as such).
    static func order(from value: CorrelatedValue) throws -> Order {
        guard case let .order(order) = value else { throw UserDataError.invalidRequest("expected an order result") }
        return order
    }

    /// The funding offer a request resolved with.
    static func offer(from value: CorrelatedValue) throws -> FundingOffer {
        guard case let .offer(offer) = value else { throw UserDataError.invalidRequest("expected a funding offer result") }
        return offer
    }
}
