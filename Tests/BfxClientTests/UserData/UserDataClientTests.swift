import BfxNonce
import BfxProtocol
import Testing
@testable import BfxClient

@Suite(.timeLimit(.minutes(1))) struct UserDataClientTests {
    static func limit(_ cid: Int64? = nil, amount: String = "0.5", price: String = "100") -> NewOrder {
        NewOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: UD.n(amount), price: UD.n(price), cid: cid)
    }

    @Test func authenticatesWithNonceFromManagerAndLoadsSnapshots() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        let nonces = h.server.authNonces
        #expect(nonces.count == 1)
        let snapshot = await h.nonces.snapshot()
        #expect(snapshot.keys.first.map { Int64($0.lastNonce) } == nonces[0])
        let state = await h.client.accountState
        #expect(state.wallet(type: "exchange", currency: "USD")?.balance == 10_000)
        #expect(state.receivedSnapshots == [.orders, .positions, .wallets])
        #expect(await h.client.currentPhase == .ready)
        await h.client.stop()
    }

    @Test func submitUpdateCancelRoundTrip() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        let order = try await h.client.submit(Self.limit(42))
        #expect(order.cid == 42)
        #expect(order.id > 0)
        #expect(await h.client.accountState.order(cid: 42)?.id == order.id)

        let updated = try await h.client.update(OrderUpdate(id: order.id, price: UD.n("101")))
        #expect(updated.price == UD.n("101"))
        #expect(await h.client.accountState.orders[order.id]?.price == UD.n("101"))

        let cancelled = try await h.client.cancel(.id(order.id))
        #expect(cancelled.status == "CANCELED")
        #expect(await h.client.accountState.orders.isEmpty)
        #expect(await h.client.status.pendingRequests == 0)
        await h.client.stop()
    }

    @Test func submitAssignsCIDWhenMissing() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        let first = try await h.client.submit(Self.limit())
        let second = try await h.client.submit(Self.limit())
        #expect(first.cid != nil)
        #expect(first.cid != second.cid)
        await h.client.stop()
    }

    @Test func submitRejectionCarriesServerText() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        h.server.rejectSubmits("Invalid order: minimum size for BTC/USD is 0.0002")
        await #expect(throws: UserDataError.requestRejected(request: .submit, status: "ERROR", code: nil,
                                                          serverText: "Invalid order: minimum size for BTC/USD is 0.0002")) {
            _ = try await h.client.submit(Self.limit(7, amount: "0.00001"))
        }
        #expect(await h.client.accountState.orders.isEmpty)
        await h.client.stop()
    }

    @Test func updateAndCancelOfUnknownOrderFail() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        await #expect(throws: UserDataError.requestRejected(request: .update, status: "ERROR", code: nil, serverText: "Order not found.")) {
            _ = try await h.client.update(OrderUpdate(id: 999, price: UD.n("1")))
        }
        await #expect(throws: UserDataError.requestRejected(request: .cancel, status: "ERROR", code: nil, serverText: "Order not found.")) {
            _ = try await h.client.cancel(.id(999))
        }
        await h.client.stop()
    }

    @Test func submitTimesOutOnTheInjectedClock() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        h.server.ignoreSubmits(true)
        let task = Task { try await h.client.submit(Self.limit(5)) }
        try await h.until("request pending") { await h.client.status.pendingRequests == 1 && h.server.inputs.count == 1 }
        try await h.until("timeout armed") { h.clock.sleeperCount >= 1 }
        h.clock.advance(by: .seconds(5))
        await #expect(throws: UserDataError.requestTimedOut(request: .submit, acknowledged: false)) {
            _ = try await task.value
        }
        await h.client.stop()
    }

    @Test func nonceRejectionOnAuthRecoversWithOneRetry() async throws {
        let h = await UserDataHarness()
        h.server.rejectNextAuth(1)
        try await h.client.start()
        let nonces = h.server.authNonces
        #expect(nonces.count == 2)
        #expect(nonces[1] > nonces[0])
        let attempts = await h.client.status.authAttempts
        #expect(attempts.count == 2)
        #expect(attempts.last?.outcome == "OK")
        #expect(h.recorder.events.contains { if case .authenticationFailed(.authenticationFailed(.nonceTooSmall, 10114, _), _) = $0 { true } else { false } })
        #expect(h.server.transport.connections.count == 1)
        await h.client.stop()
    }

    @Test func fatalAuthFailuresStopTheClient() async throws {
        for (code, msg, kind) in [(10100, "apikey: invalid", UserDataError.AuthFailureKind.invalidAPIKey),
                                  (10100, "apikey: digest invalid", .invalidSignature),
                                  (10100, "api_key: permission invalid", .permissionDenied)] {
            let h = await UserDataHarness()
            h.server.failAuth(code: code, msg: msg)
            await #expect(throws: UserDataError.authenticationFailed(kind: kind, code: code, serverText: msg)) {
                try await h.client.start()
            }
            #expect(await h.client.currentPhase == .stopped)
            #expect(h.server.authNonces.count == 1)
            await #expect(throws: UserDataError.self) { _ = try await h.client.submit(Self.limit(1)) }
        }
    }

    @Test func reauthAfterDropAndAfter20051UsesFreshLargerNonce() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        h.server.dropConnection()
        try await h.recorder.wait { $0.isReconnecting }
        try await h.until("reconnect sleep") { h.clock.sleeperCount >= 1 }
        h.clock.advance(by: .seconds(1))
        try await h.recorder.wait(count: 1) { $0.isReconnectReady }

        h.server.transport.push(#"{"event":"info","code":20051,"msg":"Stopping. Please try to reconnect"}"#)
        try await h.recorder.wait(count: 2) { $0.isReconnectReady }
        let nonces = h.server.authNonces
        #expect(nonces.count == 3)
        #expect(nonces[0] < nonces[1] && nonces[1] < nonces[2])
        #expect(h.server.transport.connections.count == 3)
        #expect(h.recorder.events.contains { if case .serverInfo(20051, _) = $0 { true } else { false } })
        await h.client.stop()
    }

    @Test func stalledConnectionIsReplaced() async throws {
        let h = await UserDataHarness { $0.heartbeatTimeout = .seconds(20) }
        try await h.client.start()
        try await h.until("liveness armed") { h.clock.sleeperCount >= 1 }
        h.clock.advance(by: .seconds(10))
        #expect(h.server.transport.connections.count == 1)
        let before = await h.client.status.framesReceived
        h.server.transport.push(#"[0,"hb"]"#)
        try await h.until("hb processed") { await h.client.status.framesReceived == before + 1 }
        try await h.until("liveness re-armed") { h.clock.sleeperCount >= 1 }
        h.clock.advance(by: .seconds(15))   // 25 s since start, only 15 s since the hb: alive
        try await h.until("liveness re-armed") { h.clock.sleeperCount >= 1 }
        #expect(h.recorder.events.filter(\.isDisconnected).isEmpty)
        h.clock.advance(by: .seconds(10))   // 25 s of silence: stalled
        try await h.recorder.wait { if case let .disconnected(reason) = $0 { reason.contains("stalled") } else { false } }
        try await h.until("reconnect sleep") { h.clock.sleeperCount >= 1 }
        h.clock.advance(by: .seconds(1))
        try await h.recorder.wait { $0.isReconnectReady }
        #expect(h.server.transport.connections.count == 2)
        await h.client.stop()
    }

    @Test func fillWhileDisconnectedIsReportedAndStateMatchesServer() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        let resting = try await h.client.submit(Self.limit(77, amount: "2", price: "100"))
        let other = try await h.client.submit(Self.limit(78, amount: "1", price: "90"))

        h.server.dropConnection()
        try await h.recorder.wait { $0.isReconnecting }
        h.server.fill(orderID: resting.id)        // happens while the client is offline
        try await h.until("reconnect sleep") { h.clock.sleeperCount >= 1 }
        h.clock.advance(by: .seconds(1))
        try await h.recorder.wait { $0.offlineReport != nil }
        try await h.recorder.wait { $0.isReconnectReady }

        let report = try #require(h.recorder.events.compactMap(\.offlineReport).first)
        #expect(report.closedOrders.map(\.lastKnown.id) == [resting.id])
        #expect(report.closedOrders.first?.outcome == .filled)
        #expect(report.trades.map(\.orderId) == [resting.id])
        #expect(report.wallets.map(\.key.currency) == ["USD"])
        #expect(report.wallets.first?.change == -200)
        #expect(report.unavailableSources.isEmpty)

        let state = await h.client.accountState
        #expect(state.orders == h.server.orders)
        #expect(state.orders.keys.sorted() == [other.id])
        #expect(state.wallet(type: "exchange", currency: "USD")?.balance == h.server.state.withLock { $0.wallets["USD"]?.balance })
        #expect(state.hasTrade(id: report.trades[0].id))
        // Offline-change event comes before ready, and before any later live message.
        let names = h.recorder.events.map(EventRecorder.name)
        let offlineIndex = try #require(names.lastIndex(of: "offlineChanges"))
        let readyIndex = try #require(names.lastIndex(of: "ready(re)"))
        #expect(offlineIndex < readyIndex)
        await h.client.stop()
    }

    @Test func orderSubmittedDuringOutageIsSentExactlyOnceAfterReauth() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        h.server.dropConnection()
        try await h.recorder.wait { $0.isReconnecting }
        let task = Task { try await h.client.submit(Self.limit(900)) }
        try await h.until("buffered") { await h.client.status.bufferedInputs == 1 }
        #expect(h.server.inputs.isEmpty)
        h.clock.advance(by: .seconds(1))
        let order = try await task.value
        #expect(order.cid == 900)
        let sent = h.server.inputs.filter { $0.contains(#""on""#) }
        #expect(sent.count == 1)
        // The input went out on the new connection, after its auth.
        let frames = h.server.transport.sentFrames
        let inputIndex = try #require(frames.firstIndex { $0.text.contains(#""cid":900"#) })
        let authIndex = try #require(frames.lastIndex { $0.text.contains(#""event":"auth""#) })
        #expect(authIndex < inputIndex)
        #expect(frames[inputIndex].connection == frames[authIndex].connection)
        try await h.recorder.wait { if case .outageBufferFlushed(1, 0, 0) = $0 { true } else { false } }
        await h.client.stop()
    }

    @Test func inputsAreHeldDuringMaintenance() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        h.server.transport.push(#"{"event":"info","code":20060,"msg":"Entering maintenance mode"}"#)
        try await h.recorder.wait { if case .serverInfo(20060, _) = $0 { true } else { false } }
        let task = Task { try await h.client.submit(Self.limit(600)) }
        try await h.until("held") { await h.client.status.bufferedInputs == 1 }
        #expect(h.server.inputs.isEmpty)
        h.server.transport.push(#"{"event":"info","code":20061,"msg":"Maintenance ended"}"#)
        let order = try await task.value
        #expect(order.cid == 600)
        #expect(h.server.inputs.count == 1)
        await h.client.stop()
    }

    @Test func bufferedInputsKeepOriginalOrder() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        h.server.dropConnection()
        try await h.recorder.wait { $0.isReconnecting }
        var tasks: [Task<Order, any Error>] = []
        for cid in Int64(1)...5 {
            tasks.append(Task { try await h.client.submit(Self.limit(1000 + cid)) })
            try await h.until("buffered \(cid)") { await h.client.status.bufferedInputs == Int(cid) }
        }
        h.clock.advance(by: .seconds(1))
        for task in tasks { _ = try await task.value }
        let cids = h.server.inputs.compactMap { text in (1001...1005).first { text.contains("\"cid\":\($0)") } }
        #expect(cids == [1001, 1002, 1003, 1004, 1005])
        await h.client.stop()
    }

    @Test func bufferedInputExpires() async throws {
        let h = await UserDataHarness {
            $0.outageBufferMaxAge = .seconds(10)
            $0.reconnect = ReconnectPolicy(initialDelay: .seconds(60), multiplier: 1, maxDelay: .seconds(60), jitter: .none)
        }
        try await h.client.start()
        h.server.dropConnection()
        try await h.recorder.wait { $0.isReconnecting }
        let task = Task { try await h.client.submit(Self.limit(31)) }
        try await h.until("buffered") { await h.client.status.bufferedInputs == 1 }
        try await h.until("expiry timer") { h.clock.sleeperCount >= 2 }
        h.clock.advance(by: .seconds(11))
        await #expect(throws: UserDataError.expiredInOutageBuffer(request: .submit)) { _ = try await task.value }
        h.clock.advance(by: .seconds(60))
        try await h.recorder.wait { $0.isReconnectReady }
        #expect(h.server.inputs.isEmpty)
        await h.client.stop()
    }

    @Test func outageBufferIsBounded() async throws {
        let h = await UserDataHarness { $0.outageBufferCapacity = 2 }
        try await h.client.start()
        h.server.dropConnection()
        try await h.recorder.wait { $0.isReconnecting }
        let a = Task { try await h.client.submit(Self.limit(1)) }
        let b = Task { try await h.client.submit(Self.limit(2)) }
        try await h.until("two buffered") { await h.client.status.bufferedInputs == 2 }
        await #expect(throws: UserDataError.outageBufferFull(capacity: 2)) { _ = try await h.client.submit(Self.limit(3)) }
        h.clock.advance(by: .seconds(1))
        _ = try await a.value
        _ = try await b.value
        await h.client.stop()
    }

    @Test func bufferedCIDAlreadyKnownToServerIsNotResent() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        h.server.dropConnection()
        try await h.recorder.wait { $0.isReconnecting }
        let task = Task { try await h.client.submit(Self.limit(4242)) }
        try await h.until("buffered") { await h.client.status.bufferedInputs == 1 }
        // Another connection of the account placed an order with the same CID meanwhile.
        h.server.state.withLock { s in
            s.orders[555] = UD.order(555, cid: 4242)
        }
        h.clock.advance(by: .seconds(1))
        let order = try await task.value
        #expect(order.id == 555)
        #expect(h.server.inputs.isEmpty)
        try await h.recorder.wait { if case .outageBufferFlushed(0, 0, 1) = $0 { true } else { false } }
        await h.client.stop()
    }

    @Test func requestInFlightAtDisconnectIsResolvedByReconciliation() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        let resting = try await h.client.submit(Self.limit(10))
        h.server.ignoreSubmits(true)
        let lost = Task { try await h.client.submit(Self.limit(11)) }
        try await h.until("sent") { h.server.inputs.count == 2 }
        // Cancel sent; connection dies before any answer; the server did cancel it.
        h.server.state.withLock { $0.inputs.removeAll() }
        let cancel = Task { try await h.client.cancel(.id(resting.id)) }
        try await h.until("cancel sent") { await h.client.status.pendingRequests == 2 }
        h.server.state.withLock { _ = $0.orders.removeValue(forKey: resting.id) }
        h.server.dropConnection()
        try await h.recorder.wait { $0.isReconnecting }
        h.server.ignoreSubmits(false)
        h.clock.advance(by: .seconds(1))
        await #expect(throws: UserDataError.outcomeUnknownAfterDisconnect(request: .submit)) { _ = try await lost.value }
        let cancelled = try await cancel.value
        #expect(cancelled.id == resting.id)
        // Neither was resent.
        #expect(h.server.inputs.filter { $0.contains(#""on""#) || $0.contains(#""oc""#) }.count <= 1)
        await h.client.stop()
    }

    @Test func multiAndCancelMulti() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        let a = try await h.client.submit(Self.limit(1))
        let results = try await h.client.multi([.new(Self.limit(2)), .new(Self.limit(3)), .cancel(.id(a.id))])
        #expect(results.count == 3)
        let orders = results.compactMap { try? $0.get() }
        #expect(orders.count == 3)
        #expect(orders[2].id == a.id)
        let open = await h.client.accountState.openOrders.map(\.id)
        #expect(open.count == 2)
        let cancelled = try await h.client.cancelMulti(.ids(open))
        #expect(cancelled.compactMap { try? $0.get().id }.sorted() == open.sorted())
        #expect(await h.client.accountState.orders.isEmpty)
        await #expect(throws: UserDataError.invalidRequest("ox_multi allows at most 75 operations, got 76")) {
            _ = try await h.client.multi(Array(repeating: .cancel(.id(1)), count: 76))
        }
        await h.client.stop()
    }

    @Test func calcIsBatchedAndThrottled() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        try await h.client.calc((0..<40).map { "position_t\($0)USD" })
        var calcs = h.server.inputs.filter { $0.contains(#""calc""#) }
        #expect(calcs.count == 2)
        for _ in 0..<6 { try await h.client.calc(["balance"]) }
        calcs = h.server.inputs.filter { $0.contains(#""calc""#) }
        #expect(calcs.count == 8)
        let ninth = Task { try await h.client.calc(["balance"]) }
        try await h.until("throttled") { h.clock.sleeperCount >= 1 }
        #expect(h.server.inputs.filter { $0.contains(#""calc""#) }.count == 8)
        h.clock.advance(by: .seconds(1))
        try await ninth.value
        #expect(h.server.inputs.filter { $0.contains(#""calc""#) }.count == 9)
        await h.client.stop()
    }

    @Test func messagesAreDeliveredInServerOrderWithChangeFeed() async throws {
        let h = await UserDataHarness()
        let changes = await h.client.accountChanges()
        try await h.client.start()
        let order = try await h.client.submit(Self.limit(1))
        h.server.fill(orderID: order.id)
        try await h.recorder.wait { if case .message(.orderCancel) = $0 { true } else { false } }
        let kinds = h.recorder.events.compactMap { event -> String? in
            guard case let .message(message) = event else { return nil }
            switch message {
            case .positionSnapshot: return "ps"
            case .walletSnapshot: return "ws"
            case .orderSnapshot: return "os"
            case .notification: return "n"
            case .orderNew: return "on"
            case .tradeExecuted: return "te"
            case .walletUpdate: return "wu"
            case .orderCancel: return "oc"
            default: return "other"
            }
        }
        #expect(kinds == ["ps", "ws", "os", "n", "on", "te", "wu", "oc"])
        await h.client.stop()
        var feed: [String] = []
        for await change in changes {
            switch change {
            case .order(.added): feed.append("order+")
            case .order(.removed): feed.append("order-")
            case .trade: feed.append("trade")
            case .wallet: feed.append("wallet")
            case .snapshot: feed.append("snap")
            default: feed.append("other")
            }
        }
        #expect(feed.suffix(4) == ["order+", "trade", "wallet", "order-"])
    }
}
