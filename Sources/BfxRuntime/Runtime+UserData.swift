import BfxClient
import BfxNonce
import BfxProtocol
import Foundation
import Logging

/// One running `UserDataClient` owned by the runtime (one per key named in `connections[].key`).
struct UserDataEntry {
    var connection: String
    var key: String
    var client: UserDataClient
    var task: Task<Void, Never>?
    var view: UserDataView
}

extension Runtime {
    /// How long `start()` waits for a user-data stream to become ready before continuing without it.
    static let userDataStartTimeout: Duration = .seconds(30)

    // MARK: - Start / stop

    /// Starts one `UserDataClient` per key named in `connections[].key`, on the authenticated
    /// WebSocket endpoint, sharing the key's credentials and the runtime's nonce manager (so WS
    /// auth nonces and REST nonces of one key never collide). Waits for each to be ready.
    /// - Throws: `RuntimeError.authFailed` for fatal auth failures (bad key, signature,
    ///   permissions), `RuntimeError.startFailed` otherwise.
    func startUserData() async throws {
        guard let manager = nonceManager else { return }
        let ws = config.websocket
        for connection in config.connections {
            guard let keyName = connection.key, userData[keyName] == nil else { continue }
            guard let keyConfig = config.key(named: keyName), let credentials = credentialsByKey[keyName],
                  let rest = restClients[keyName] else {
                throw RuntimeError.unknownKey(keyName)
            }
            let transport = try makeUserDataTransport(connection, keyName: keyName)
            let udConfig = UserDataConfiguration(
                deadManSwitch: keyConfig.deadManSwitch ? 4 : nil, reconnect: reconnectPolicy,
                heartbeatTimeout: ws.heartbeatTimeout.milliseconds > 0 ? ws.heartbeatTimeout.duration : nil,
                sharing: transport.sharing)
            var udLogger = logger
            udLogger[metadataKey: "component"] = "userdata"
            udLogger[metadataKey: "key"] = "\(keyName)"
            let client = UserDataClient(credentials: credentials, nonceKeyID: keyIDs[keyName], configuration: udConfig,
                                        transport: transport, nonceManager: manager,
                                        reconciliation: RESTReconciliationSource(rest), clock: options.clock,
                                        logger: udLogger)
            let view = UserDataView(connection: connection.name, key: keyName, phase: UserDataPhase.idle.rawValue, orders: 0,
                                    positions: 0, wallets: 0, orderEvents: 0, walletEvents: 0, positionEvents: 0, tradeEvents: 0,
                                    notifications: 0, offlineReports: 0, authFailures: 0, disconnects: 0, inputsSent: 0,
                                    inputErrors: 0, pendingRequests: 0, bufferedInputs: 0, fatalError: nil)
            // Subscribe before start() so the snapshots and the auth outcome are not missed.
            let events = await client.events()
            let task = Task { [weak self] in
                for await event in events { await self?.handle(userData: event, key: keyName) }
            }
            userData[keyName] = UserDataEntry(connection: connection.name, key: keyName, client: client, task: task, view: view)
            // `client.start()` retries transient connection failures per the reconnect policy
            // (possibly forever), so the runtime waits at most `userDataStartTimeout` for it: a
            // rejected key fails start; a stream still connecting then continues in the
            // background (queries and orders use REST until it is ready).
            let startTask = Task { try await client.start() }
            let deadline = ContinuousClock.now + Self.userDataStartTimeout
            var outcome = await client.currentPhase
            // Bounded by the deadline; polls the client's phase every 20 ms.
            while outcome != .ready && outcome != .stopped && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
                outcome = await client.currentPhase
            }
            if outcome == .stopped {
                let error: any Error
                switch await startTask.result {
                case .success: error = UserDataError.closed
                case .failure(let failure): error = failure
                }
                if case UserDataError.authenticationFailed(let kind, _, _) = error, kind != .other {
                    throw RuntimeError.authFailed("user-data stream of key \(keyName): \(error)")
                }
                throw RuntimeError.startFailed("user-data stream of key \(keyName): \(error)")
            }
            if outcome == .ready {
                logger.notice("user-data stream ready", metadata: ["key": "\(keyName)", "connection": "\(connection.name)", "url": "\(urls.wsAuth)",
                                                                   "user_data": "\(connection.userData.rawValue)"])
            } else {
                logger.warning("user-data stream not ready yet; continuing (REST is used until it is)",
                               metadata: ["key": "\(keyName)", "phase": "\(outcome.rawValue)", "waited": "\(Self.userDataStartTimeout)"])
                hub.publish(RuntimeEvent(kind: .error, message: "user data \(keyName): not ready after \(Self.userDataStartTimeout) (\(outcome.rawValue)); using REST until it is"))
            }
        }
    }

    /// `connections[].user_data`: `separate` → its own authenticated socket; `shared` → an
    /// authenticated connection of the runtime's WebSocket pool, which the group channels
    /// subscribed afterwards fill first (ADR 0019).
    func makeUserDataTransport(_ connection: ConnectionConfig, keyName: String) throws -> any UserDataTransport {
        switch connection.userData {
        case .shared:
            guard let client = wsClient else { throw RuntimeError.startFailed("user-data stream of key \(keyName): WebSocket client not started") }
            do {
                return try SharedUserDataTransport(client: client)
            } catch {
                throw RuntimeError.startFailed("shared user-data connection for key \(keyName): \(error)")
            }
        case .separate:
            do {
                return try WebSocketUserDataTransport(
                    url: urls.wsAuth,
                    rateLimit: ConnectionRateLimit(maxConnections: config.rateLimits.wsConnectAuthPer15s, window: .seconds(15)),
                    connectTimeout: config.websocket.connectTimeout.duration,
                    clock: options.clock, recorder: recorder)
            } catch {
                throw RuntimeError.startFailed("user-data transport for key \(keyName): \(error)")
            }
        }
    }

    /// Stops every user-data client (pending and buffered inputs fail with `closed`).
    func stopUserData() async {
        for (_, entry) in userData {
            await entry.client.stop()
            entry.task?.cancel()
        }
        userData.removeAll()
    }

    // MARK: - Events

    func handle(userData event: UserDataEvent, key: String) {
        guard var entry = userData[key] else { return }
        defer { userData[key] = entry }
        let prefix = "user data \(key): "
        switch event {
        case .connecting(let attempt):
            if attempt > 0 { hub.publish(RuntimeEvent(kind: .connection, message: prefix + "connecting (attempt \(attempt))")) }
        case .authenticated:
            hub.publish(RuntimeEvent(kind: .connection, message: prefix + "authenticated"))
        case .authenticationFailed(let error, _):
            entry.view.authFailures += 1
            logger.error("user-data authentication failed", metadata: ["key": "\(key)", "error": "\(error)"])
            hub.publish(RuntimeEvent(kind: .error, message: prefix + "\(error)"))
        case .ready(let afterReconnect):
            hub.publish(RuntimeEvent(kind: .connection, message: prefix + (afterReconnect ? "ready again after reconnect" : "ready")))
        case .message(let message):
            record(message, view: &entry.view, prefix: prefix)
        case .offlineChanges(let report):
            entry.view.offlineReports += 1
            hub.publish(RuntimeEvent(kind: .notice, message: prefix + "while offline: \(report.closedOrders.count) order(s) closed, "
                                     + "\(report.updatedOrders.count) updated, \(report.newOrders.count) new, \(report.trades.count) fill(s), "
                                     + "\(report.wallets.count) wallet move(s)"
                                     + (report.unavailableSources.isEmpty ? "" : "; unavailable: \(report.unavailableSources.joined(separator: ", "))")))
        case .outageBufferFlushed(let sent, let expired, let alreadyKnown):
            hub.publish(RuntimeEvent(kind: .notice, message: prefix + "outage buffer flushed: \(sent) sent, \(expired) expired, \(alreadyKnown) already known"))
        case .bufferedInputExpired(let request, let requests):
            hub.publish(RuntimeEvent(kind: .error, message: prefix + "buffered \(request.rawValue) input expired before reconnect "
                                     + "(\(requests) request(s) not sent)"))
        case .disconnected(let reason):
            entry.view.disconnects += 1
            hub.publish(RuntimeEvent(kind: .connection, message: prefix + "disconnected: \(reason)"))
        case .reconnecting(let attempt, let delay):
            logger.info("user-data reconnect scheduled", metadata: ["key": "\(key)", "attempt": "\(attempt)", "delay": "\(delay)"])
        case .serverInfo(let code, let message):
            hub.publish(RuntimeEvent(kind: .connection, message: prefix + "info \(code)" + (message.map { ": \($0)" } ?? "")))
        case .stopped(let error):
            guard let error else { return }
            entry.view.fatalError = "\(error)"
            logger.error("user-data stream stopped", metadata: ["key": "\(key)", "error": "\(error)"])
            hub.publish(RuntimeEvent(kind: .error, message: prefix + "stopped: \(error)"))
            // A key rejected after start (revoked, permissions removed) ends a headless run with
            // exit code 3, like a rejected key at start. Other fatal errors leave REST in use.
            if case .authenticationFailed(let kind, _, _) = error, kind != .other, phase == .running {
                requestExit(RuntimeExit(code: RuntimeExitCode.authFatal, reason: "user-data stream of key \(key): \(error)"))
            }
        }
    }

    private func record(_ message: UserEvent, view: inout UserDataView, prefix: String) {
        switch message {
        case .orderSnapshot(let rows):
            view.orderEvents += 1
            hub.publish(RuntimeEvent(kind: .orderEvent, message: prefix + "order snapshot: \(rows.count) open order(s)"))
        case .orderNew(let o), .orderUpdate(let o), .orderCancel(let o):
            view.orderEvents += 1
            let verb: String
            switch message {
            case .orderNew: verb = "new"
            case .orderUpdate: verb = "updated"
            default: verb = "closed"
            }
            hub.publish(RuntimeEvent(kind: .orderEvent, message: prefix + "order \(o.id) \(verb): \(o.symbol) \(o.status ?? "")"))
        case .walletSnapshot(let rows):
            view.walletEvents += 1
            hub.publish(RuntimeEvent(kind: .orderEvent, message: prefix + "wallet snapshot: \(rows.count) wallet(s)"))
        case .walletUpdate(let w):
            view.walletEvents += 1
            hub.publish(RuntimeEvent(kind: .orderEvent, message: prefix + "wallet \(w.walletType):\(w.currency) = \(w.balance)"))
        case .balanceUpdate:
            view.walletEvents += 1
        case .positionSnapshot(let rows):
            view.positionEvents += 1
            hub.publish(RuntimeEvent(kind: .orderEvent, message: prefix + "position snapshot: \(rows.count) position(s)"))
        case .positionNew(let p), .positionUpdate(let p), .positionClose(let p):
            view.positionEvents += 1
            hub.publish(RuntimeEvent(kind: .orderEvent, message: prefix + "position \(p.symbol) \(p.status)"))
        case .tradeExecuted(let t):
            view.tradeEvents += 1
            hub.publish(RuntimeEvent(kind: .orderEvent, message: prefix + "trade \(t.id) order \(t.orderId): \(t.execAmount) @ \(t.execPrice)"))
        case .tradeUpdate:
            view.tradeEvents += 1
        case .notification(let n):
            view.notifications += 1
            hub.publish(RuntimeEvent(kind: n.status == "ERROR" || n.status == "FAILURE" ? .error : .orderEvent,
                                     message: prefix + "\(n.type) \(n.status ?? ""): \(n.text ?? "")"))
        default:
            break
        }
    }

    // MARK: - Queries and inputs

    /// The live user-data client of `key` when it is ready (nil → callers use signed REST).
    func readyUserData(key: String?) async -> UserDataClient? {
        guard let name = key ?? config.keys.first?.name, let entry = userData[name] else { return nil }
        return await entry.client.currentPhase == .ready ? entry.client : nil
    }

    /// Per-stream views (counters, phase and account sizes).
    public func userDataStreams() async -> [UserDataView] {
        var result: [UserDataView] = []
        for name in userData.keys.sorted() {
            guard var view = userData[name]?.view, let client = userData[name]?.client else { continue }
            let state = await client.accountState
            let status = await client.status
            view.phase = status.phase.rawValue
            view.orders = state.orders.count
            view.positions = state.positions.count
            view.wallets = state.wallets.count
            view.pendingRequests = status.pendingRequests
            view.bufferedInputs = status.bufferedInputs
            if view.fatalError == nil, let fatal = status.fatalError { view.fatalError = "\(fatal)" }
            result.append(view)
        }
        return result
    }

    /// Sends an input (order or funding offer) over the user-data stream; counts it and maps errors.
    func userDataInput<Value: Sendable>(key: String?, label: String, _ body: @Sendable (UserDataClient) async throws -> Value) async throws -> Value? {
        guard let client = await readyUserData(key: key), let name = key ?? config.keys.first?.name else { return nil }
        userData[name]?.view.inputsSent += 1
        do {
            return try await body(client)
        } catch let error as UserDataError {
            userData[name]?.view.inputErrors += 1
            throw RuntimeError.callFailed("\(label) (WebSocket): \(error)")
        }
    }

    /// Writes `text` as one raw text frame on the authenticated user-data connection of `key`
    /// (default: the first configured key), for protocol experiments. The frame must be JSON and
    /// must not be an `auth` event; responses arrive as ordinary user-data events.
    /// - Throws: `RuntimeError.notRunning` before start, `RuntimeError.unknownKey` for an
    ///   unknown key name, `RuntimeError.callFailed` when the key has no ready user-data stream
    ///   (name the key in `connections[].key`) or the client rejects the frame.
    public func sendRawFrame(_ text: String, key: String? = nil) async throws {
        guard phase == .running else { throw RuntimeError.notRunning }
        guard let name = key ?? config.keys.first?.name else { throw RuntimeError.unknownKey(key ?? "(no keys configured)") }
        guard config.key(named: name) != nil else { throw RuntimeError.unknownKey(name) }
        guard userData[name] != nil else {
            throw RuntimeError.callFailed("raw frame: key '\(name)' has no user-data stream; set `connections[].key: \(name)` on a connection to open one")
        }
        guard let client = await readyUserData(key: name) else {
            throw RuntimeError.callFailed("raw frame: the user-data stream of key '\(name)' is not ready (connecting or reconnecting); try again")
        }
        userData[name]?.view.inputsSent += 1
        do {
            try await client.sendRaw(text)
        } catch {
            userData[name]?.view.inputErrors += 1
            throw RuntimeError.callFailed("raw frame (WebSocket, key \(name)): \(error)")
        }
    }

    /// A REST-shaped notification (`[MTS, TYPE, null, null, INFO, null, "SUCCESS", TEXT]`) for a
    /// WebSocket input's result, so callers see the same shape on both paths.
    static func notificationJSON(type: String, info: BfxProtocol.Notification.Info, text: String) -> String {
        BfxProtocol.Notification(mts: Int64(Date().timeIntervalSince1970 * 1000), type: type, info: info, status: "SUCCESS", text: text)
            .row.serialized()
    }

    static func wireNumber(_ text: String, field: String) throws -> WireNumber {
        guard let value = WireNumber(text), Decimal(string: text) != nil else {
            throw RuntimeError.invalidArgument("\(field) must be a decimal number, got '\(text)'")
        }
        return value
    }
}
