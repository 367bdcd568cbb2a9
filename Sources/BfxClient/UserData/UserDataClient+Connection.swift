import BfxNonce
import BfxProtocol
import Logging
import Metrics

extension UserDataClient {
    // MARK: - Connection loop

    /// Connects, runs sessions and reconnects as ``UserDataReconnectMachine`` decides, until
    /// stopped or a fatal error ends the client.
    func run() async {
        var reconnect = UserDataReconnectMachine(policy: configuration.reconnect, reconnectsItself: transport.reconnectsItself,
                                                 seed: configuration.jitterSeed)
        while !session.stopRequested && !Task.isCancelled {
            session.connecting()
            emit(.connecting(attempt: reconnect.attempt))
            let conn: any UserDataConnection
            do {
                conn = try await transport.connect()
            } catch {
                let action = reconnect.connectFailed(error, immediate: session.takeServerRequestedReconnect(), now: clock.now())
                if case let .stop(failure) = action {
                    if !session.stopRequested {
                        logger.error("user-data shared connection ended", metadata: ["error": "\(failure)"])
                        session.recordFatal(failure)
                        await transport.shutdown()
                        finish(with: failure)
                    }
                    return
                }
                logger.warning("user-data connect failed", metadata: ["error": "\(error)"])
                if await !perform(action) { return }
                continue
            }
            if session.stopRequested {
                await conn.close()
                break
            }
            reconnect.connectionOpened(now: clock.now())
            let end = await runSession(conn)
            await conn.close()
            connectionLost(reason: end.reason)
            if let fatal = reconnect.sessionEnded(end, serverRequestedReconnect: session.serverRequestedReconnect, now: clock.now()) {
                guard case let .stop(error) = fatal else { return }
                session.recordFatal(error)
                await transport.shutdown()
                finish(with: error)
                return
            }
            if session.stopRequested { break }
            let action = reconnect.next(immediate: session.takeServerRequestedReconnect(), now: clock.now())
            if await !perform(action) { return }
        }
    }

    /// Performs a reconnect decision; returns false when the loop must end (gave up, stopped).
    private func perform(_ action: UserDataReconnectMachine.Action) async -> Bool {
        switch action {
        case let .awaitTransport(attempt):
            // The pool reconnects under its own policy; `connect()` waits for its next socket.
            emit(.reconnecting(attempt: attempt, delay: .zero))
            return !session.stopRequested
        case let .retry(attempt, delay):
            emit(.reconnecting(attempt: attempt, delay: delay))
            do { try await clock.sleep(for: delay) } catch { return !session.stopRequested }
            return !session.stopRequested
        case let .giveUp(reason, error):
            logger.error("user-data reconnect gave up", metadata: ["reason": "\(reason)"])
            session.recordFatal(error)
            finish(with: error)
            return false
        case let .stop(error):
            session.recordFatal(error)
            finish(with: error)
            return false
        }
    }

    /// One connection: authenticate, synchronise, then process frames until it closes.
    func runSession(_ conn: any UserDataConnection) async -> UserDataReconnectMachine.SessionEnd {
        let generation = session.connectionOpened()
        connection = conn
        decoder = FrameDecoder()
        var iterator = UserDataInboundIterator(conn)

        let authTimeout = configuration.authTimeout
        let watchdog = Task { [clock] in
            do { try await clock.sleep(for: authTimeout) } catch { return }
            await self.authWatchdogFired(generation: generation)
        }
        let authResult: (userID: Int64?, nonce: Int64)
        do {
            authResult = try await authenticate(conn, generation: generation, iterator: &iterator)
            watchdog.cancel()
        } catch {
            watchdog.cancel()
            return .authenticationFailed(error)
        }

        beginSynchronization()
        emit(.authenticated(userID: authResult.userID, nonce: authResult.nonce))
        let snapshotTimeout = configuration.snapshotTimeout
        let syncTimer = Task { [clock] in
            do { try await clock.sleep(for: snapshotTimeout) } catch { return }
            await self.finishSynchronization(generation: generation)
        }
        defer { syncTimer.cancel() }
        let liveness: Task<Void, Never>? = configuration.heartbeatTimeout.map { timeout in
            Task { [clock] in
                // Bounded by cancellation (session end) or by closing a stalled connection.
                while !Task.isCancelled {
                    do { try await clock.sleep(for: max(timeout / 4, .milliseconds(10))) } catch { return }
                    if await self.closeIfStalled(generation: generation, timeout: timeout) { return }
                }
            }
        }
        defer { liveness?.cancel() }

        var reason = "connection closed by server"
        var wasReady = false
        do {
            while let inbound = try await iterator.next(isolation: self) {
                handleInbound(inbound, generation: generation)
                if session.phase == .ready { wasReady = true }
                if session.phase == .synchronizing, reconciliation.isReadyToFinish {
                    await finishSynchronization(generation: generation)
                }
                if session.stopRequested { break }
            }
        } catch {
            reason = "connection error: \(error)"
        }
        if session.phase == .ready { wasReady = true }
        return .init(reason: session.sessionEndReason(reason), fatal: nil, error: nil, wasReady: wasReady)
    }

    /// Closes the connection when nothing arrived within `timeout`; returns whether the check
    /// loop is over (closed, or the session it watched is gone).
    func closeIfStalled(generation: Int, timeout: Duration) async -> Bool {
        switch session.checkLiveness(generation: generation, connected: connection != nil, now: clock.now(), timeout: timeout) {
        case .sessionGone:
            return true
        case .alive:
            return false
        case .stalled:
            logger.warning("user-data connection stalled; reconnecting", metadata: ["timeout": "\(timeout)"])
            await connection?.close()
            return true
        }
    }

    /// The auth timeout of `generation` passed: closes the connection if still authenticating.
    func authWatchdogFired(generation: Int) async {
        guard let connection, session.authWatchdogFired(generation: generation) else { return }
        await connection.close()
    }

    /// Sends `auth` inside the nonce manager's serialized section for the key (critical
    /// priority), so no REST call of the key can take a nonce between ours and the server's
    /// answer. The session machine judges the answer; for a `10114` the error thrown here makes
    /// the manager raise the floor and run the closure once more with a fresh nonce on the same
    /// connection.
    func authenticate(_ conn: any UserDataConnection, generation: Int,
                      iterator: inout UserDataInboundIterator) async throws -> (userID: Int64?, nonce: Int64) {
        try await nonceManager.perform(key: nonceKeyID, priority: .critical, label: "ws/auth") { nonce in
            let frame = try UserDataWire.authFrame(credentials: credentials, nonce: nonce, configuration: configuration)
            try await conn.send(frame)
            counters.framesSent += 1
            while true {
                let next: UserDataInbound?
                do {
                    next = try await iterator.next(isolation: self)
                } catch {
                    recordAuth(generation, nonce, "connection error")
                    throw UserDataError.invalidRequest("connection lost during auth: \(error)")
                }
                guard let inbound = next else {
                    recordAuth(generation, nonce, session.authStreamEndOutcome)
                    throw session.authStreamEnded()
                }
                session.frameReceivedDuringAuth(wallMillis: wallMillis())
                guard let frame = decode(inbound) else { continue }
                switch frame {
                case let .event(.auth(auth)):
                    switch session.authAnswered(auth, nonce: nonce) {
                    case let .authenticated(userID, nonce):
                        recordAuth(generation, nonce, "OK")
                        return (userID, nonce)
                    case let .retryWithFreshNonce(error), let .stop(error):
                        recordAuth(generation, nonce, "\(error)")
                        if case let .authenticationFailed(kind, _, _) = error {
                            logger.warning("user-data auth failed", metadata: ["kind": "\(kind.rawValue)", "nonce": "\(nonce)"])
                        }
                        emit(.authenticationFailed(error, nonce: nonce))
                        throw error
                    }
                case let .event(.info(info)):
                    handleInfo(info)
                    if session.serverRequestedReconnect { throw UserDataError.notConnected }
                default:
                    continue
                }
            }
        }
    }

    /// Records one auth attempt in the status history and the auth counter.
    func recordAuth(_ connection: Int, _ nonce: Int64, _ outcome: String) {
        Counter(label: "bfx_userdata_auth_total", dimensions: [("outcome", outcome == "OK" ? "ok" : "failed")]).increment()
        counters.recordAuth(.init(connection: connection, nonce: nonce, outcome: outcome))
    }

    /// Performs what the session machine decides about a server `info` event.
    func handleInfo(_ info: InfoEvent) {
        for action in session.receive(info: info, transportReconnectsItself: transport.reconnectsItself) {
            switch action {
            case let .emitServerInfo(code, message):
                emit(.serverInfo(code: code, message: message))
            case .flushOutage:
                Task { await self.drainOutage() }
            case .closeConnection:
                if let connection { Task { await connection.close() } }
            case let .warnUnsupportedVersion(version):
                logger.warning("user-data server reports an unsupported protocol version", metadata: ["version": "\(version)"])
            }
        }
    }

    /// Marks the connection lost: remembers the account at disconnect as the reconciliation
    /// baseline and parks requests that were already written.
    func connectionLost(reason: String) {
        let wasReady = session.connectionLost()
        connection = nil
        reconciliation.connectionLost(account: account, wasReady: wasReady, disconnectedAtMillis: wallMillis(),
                                      lastFrameMillis: session.lastFrameWallMillis)
        let sent = correlator.takeSent().map(\.token)
        if outage.parkInFlight(sent, now: clock.now()) { scheduleBufferExpiry() }
        if !session.stopRequested {
            Counter(label: "bfx_userdata_disconnects_total").increment()
            emit(.disconnected(reason: reason))
        }
    }

    // MARK: - Frames

    /// Decodes text frames (shared connections deliver decoded ones); nil when undecodable.
    func decode(_ inbound: UserDataInbound) -> Frame? {
        switch inbound {
        case let .frame(frame):
            return frame
        case let .text(text):
            do {
                return try decoder.decode(text)
            } catch {
                counters.decodeErrors += 1
                logger.warning("user-data frame could not be decoded", metadata: ["error": "\(error)"])
                return nil
            }
        }
    }

    /// Handles one frame of the session `generation` after auth (frames of an older
    /// connection are dropped).
    func handleInbound(_ inbound: UserDataInbound, generation: Int) {
        guard generation == session.generation else { return }
        session.frameReceived(now: clock.now(), wallMillis: wallMillis())
        counters.framesReceived += 1
        guard let frame = decode(inbound) else { return }
        switch frame {
        case let .user(event, _):
            counters.messagesReceived += 1
            if session.phase == .synchronizing {
                reconciliation.receive(event)
            } else if session.phase == .ready {
                process(event)
            }
        case let .event(.info(info)):
            handleInfo(info)
        case let .event(.error(error)):
            logger.warning("user-data server error", metadata: ["code": "\(error.code?.rawValue ?? 0)", "msg": "\(error.message)"])
        default:
            break
        }
    }

    /// Applies one channel-0 message to the account, feeds the correlator and delivers it.
    func process(_ event: UserEvent) {
        let changes = account.apply(event)
        correlate(event)
        if case let .tradeExecuted(trade) = event, reconciliation.wasReportedOffline(tradeID: trade.id) {
            // Already reported in the offline-changes report; not delivered twice.
            publish(changes)
            return
        }
        emit(.message(event))
        publish(changes)
    }
}
