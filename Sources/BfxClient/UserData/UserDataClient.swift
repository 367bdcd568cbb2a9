import BfxNonce
import BfxProtocol
import Foundation
import Logging
import Metrics

/// The authenticated user-data client: authenticates on the account endpoint with a nonce from
/// the shared `NonceManager` (module BfxNonce), keeps ``AccountState`` from snapshots and deltas, delivers every
/// channel-0 message in server order, correlates order/funding inputs with the server's answers,
/// holds inputs issued while disconnected and, after every reconnect, re-authenticates with a
/// fresh nonce, reconciles the account and reports what changed while offline.
///
/// ```swift
/// let client = UserDataClient(credentials: BfxCredentials(apiKey: key, secret: secret),
///                             transport: try WebSocketUserDataTransport(url: "wss://api.bitfinex.com/ws/2"),
///                             nonceManager: nonces, reconciliation: RESTReconciliationSource(rest))
/// try await client.start()
/// let order = try await client.submit(NewOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: "0.01", price: "30000"))
/// for await event in await client.events() { … }
/// ```
///
/// An actor: connection lifecycle, account state, pending requests and the outage buffer are
/// mutated by the reader task, timers and any number of caller tasks.
public actor UserDataClient {
    /// The settings in force.
    public nonisolated let configuration: UserDataConfiguration

    let credentials: BfxCredentials
    let nonceKeyID: String
    let transport: any UserDataTransport
    let nonceManager: NonceManager
    let reconciliationSource: (any UserDataReconciliationSource)?
    let clock: ClientClock
    let wallMillis: @Sendable () -> Int64
    let logger: Logger

    // Lifecycle
    var phase: UserDataPhase = .idle
    var connection: (any UserDataConnection)?
    var connectionIndex = -1
    var decoder = FrameDecoder()
    var runTask: Task<Void, Never>?
    var stopRequested = false
    var fatalError: UserDataError?
    var startPromise = RequestPromise<Bool>()
    var serverRequestedReconnect = false
    var authTimedOut = false
    var lastFrameWallMillis: Int64 = 0
    var lastFrameAt: Duration = .zero
    var stalled = false
    /// Between info 20060 and 20061: inputs are held in the outage buffer.
    var maintenance = false

    // Account
    var account: AccountState

    // Requests
    var correlator = RequestCorrelator<CorrelatedValue>()
    var requests: [UInt64: RequestRecord] = [:]
    var outage: OutageBuffer<BufferedInput>
    /// Buffered batch frames (`ox_multi`, `oc_multi`, `calc`) by id (see ``BufferedInput``).
    var batches: [UInt64: BufferedBatch] = [:]
    var nextBatchID: UInt64 = 0
    var draining = false
    var inFlightAtDisconnect: [(token: UInt64, since: Duration)] = []
    var calcThrottle = CalcThrottle()
    var cidSequence: Int64 = 0

    // Reconnect synchronisation
    var baseline: Baseline?
    var syncState: AccountState?
    var syncQueue: [(event: UserEvent, applied: Bool, changes: [AccountChange])] = []
    var syncFinishing = false
    var reportedOfflineTradeIDs: Set<Int64> = []

    // Delivery
    var eventSubscribers: [UInt64: AsyncStream<UserDataEvent>.Continuation] = [:]
    var changeSubscribers: [UInt64: AsyncStream<AccountChange>.Continuation] = [:]
    var handlers: [UInt64: @Sendable (UserDataEvent) -> Void] = [:]
    var nextSubscriberID: UInt64 = 0

    // Statistics
    var authAttempts: [UserDataStatus.AuthAttempt] = []
    var framesSent = 0
    var messagesReceived = 0
    var framesReceived = 0
    var decodeErrors = 0
    var reconciliations = 0

    /// The state at the moment the last ready connection was lost.
    struct Baseline {
        var state: AccountState
        var disconnectedAtMillis: Int64
        var lastFrameMillis: Int64
    }

    /// Creates a client; nothing happens until ``start()``.
    /// - Parameters:
    ///   - credentials: API key and secret (the secret is never logged).
    ///   - nonceKeyID: the key's id in `nonceManager`; the default, `KeyFingerprint.of(apiKey:)`,
    ///     is the same as `BfxRESTClient`'s, so REST and WS auth of one key share one sequence.
    ///   - configuration: auth options, timeouts, buffering, reconnect policy.
    ///   - transport: how connections to the authenticated endpoint are opened.
    ///   - nonceManager: the process-wide manager shared with the REST client of this key.
    ///   - reconciliation: REST access used after reconnects (trades, and fallbacks for missing snapshots).
    ///   - clock: monotonic clock for timeouts, expiry and backoff (inject the manual clock of `BfxTestSupport` in tests).
    ///   - wallMillis: wall clock in ms since epoch (report stamps, REST trade window).
    ///   - logger: swift-log logger (secrets are never logged).
    public init(
        credentials: BfxCredentials,
        nonceKeyID: String? = nil,
        configuration: UserDataConfiguration = UserDataConfiguration(),
        transport: any UserDataTransport,
        nonceManager: NonceManager,
        reconciliation: (any UserDataReconciliationSource)? = nil,
        clock: ClientClock = .continuous,
        wallMillis: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
        logger: Logger = Logger(label: "bfx.userdata")
    ) {
        self.credentials = credentials
        // Same default as BfxRESTClient so REST and WS auth of one key share one nonce lane.
        self.nonceKeyID = nonceKeyID ?? KeyFingerprint.of(apiKey: credentials.apiKey)
        self.configuration = configuration
        self.transport = transport
        self.nonceManager = nonceManager
        self.reconciliationSource = reconciliation
        self.clock = clock
        self.wallMillis = wallMillis
        self.logger = logger
        self.account = AccountState(recentTradesCapacity: configuration.recentTradesCapacity,
                                    seenTradeIDsCapacity: configuration.seenTradeIDsCapacity)
        self.outage = OutageBuffer(capacity: configuration.outageBufferCapacity, maxAge: configuration.outageBufferMaxAge)
        var seedSource = SystemRandomNumberGenerator()
        self.cidSequence = Int64(seedSource.next() % 1000)
    }

    // MARK: - Lifecycle

    /// Connects, authenticates and waits for the first synchronised account state.
    /// - Throws: ``UserDataError/authenticationFailed(kind:code:serverText:)`` for fatal auth
    ///   failures, or ``UserDataError/closed`` if stopped meanwhile. Transient connection
    ///   failures are retried per the reconnect policy; when it gives up, the last error is thrown.
    public func start() async throws {
        if runTask == nil {
            guard !stopRequested else { throw UserDataError.closed }
            guard transport.sharing == configuration.sharing else {
                throw UserDataError.invalidRequest("configuration.sharing is \(configuration.sharing.rawValue) but the transport is "
                    + "\(transport.sharing.rawValue) (shared mode needs a SharedUserDataTransport, separate mode any other)")
            }
            phase = .connecting
            runTask = Task { await self.run() }
        }
        _ = try await startPromise.value()
    }

    /// Stops the client: closes the connection, fails pending and buffered requests with
    /// ``UserDataError/closed`` and finishes every event stream. Idempotent.
    public func stop() async {
        guard !stopRequested else { return }
        stopRequested = true
        let task = runTask
        // Transport first: a shared transport must not treat the close below as "reconnect".
        await transport.shutdown()
        if let connection { await connection.close() }
        task?.cancel()
        await task?.value
        finish(with: nil)
    }

    /// The current account state (a copy).
    public var accountState: AccountState { account }

    /// The current lifecycle phase.
    public var currentPhase: UserDataPhase { phase }

    /// Counters and the auth history.
    public var status: UserDataStatus {
        UserDataStatus(phase: phase, connectionsOpened: connectionIndex + 1, authAttempts: authAttempts,
                       pendingRequests: requests.count, bufferedInputs: outage.count, framesSent: framesSent,
                       framesReceived: framesReceived, messagesReceived: messagesReceived, decodeErrors: decodeErrors,
                       reconciliations: reconciliations, fatalError: fatalError)
    }

    /// A new stream of every event from now on. Slow consumers lose the oldest events beyond
    /// ``UserDataConfiguration/eventBufferCapacity`` (the account state is never affected).
    public func events() -> AsyncStream<UserDataEvent> {
        makeSubscription({ eventSubscribers[$0] = $1 }, remove: { await $0.removeEventSubscriber($1) })
    }

    /// A new stream of every account change from now on (same buffering as ``events()``).
    public func accountChanges() -> AsyncStream<AccountChange> {
        makeSubscription({ changeSubscribers[$0] = $1 }, remove: { await $0.removeChangeSubscriber($1) })
    }

    /// A bounded stream registered under a fresh subscriber id (already finished once stopped);
    /// `remove` unregisters it when the consumer goes away.
    private func makeSubscription<Element: Sendable>(
        _ register: (UInt64, AsyncStream<Element>.Continuation) -> Void,
        remove: @escaping @Sendable (UserDataClient, UInt64) async -> Void
    ) -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self,
                                                            bufferingPolicy: .bufferingNewest(configuration.eventBufferCapacity))
        guard phase != .stopped else {
            continuation.finish()
            return stream
        }
        nextSubscriberID += 1
        let id = nextSubscriberID
        register(id, continuation)
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            Task { await remove(self, id) }
        }
        return stream
    }

    /// Registers a callback invoked synchronously, in order, for every event (keep it short).
    /// - Returns: a token for ``removeEventHandler(_:)``.
    @discardableResult
    public func addEventHandler(_ handler: @escaping @Sendable (UserDataEvent) -> Void) -> UInt64 {
        nextSubscriberID += 1
        handlers[nextSubscriberID] = handler
        return nextSubscriberID
    }

    /// Removes a callback registered with ``addEventHandler(_:)``.
    public func removeEventHandler(_ token: UInt64) {
        handlers[token] = nil
    }

    func removeEventSubscriber(_ id: UInt64) { eventSubscribers[id] = nil }
    func removeChangeSubscriber(_ id: UInt64) { changeSubscribers[id] = nil }

    // MARK: - Delivery

    func emit(_ event: UserDataEvent) {
        for continuation in eventSubscribers.values { continuation.yield(event) }
        for handler in handlers.values { handler(event) }
    }

    func publish(_ changes: [AccountChange]) {
        guard !changes.isEmpty else { return }
        for continuation in changeSubscribers.values {
            for change in changes { continuation.yield(change) }
        }
    }

    func finish(with error: UserDataError?) {
        if phase != .stopped {
            phase = .stopped
            emit(.stopped(error))
        }
        let failure = error ?? .closed
        for resolution in correlator.failAll(failure) { resolve(resolution.token, .failure(failure)) }
        for entry in outage.drain(now: clock.now(), isKnown: { _ in false }).allEntries {
            switch entry.element {
            case let .request(token): resolve(token, .failure(failure))
            case let .batch(id): failBatch(id, failure)
            }
        }
        for (token, _) in inFlightAtDisconnect {
            resolve(token, .failure(error ?? .outcomeUnknownAfterDisconnect(request: requests[token]?.kind ?? .submit)))
        }
        inFlightAtDisconnect.removeAll()
        for token in Array(requests.keys) { resolve(token, .failure(failure)) }
        startPromise.fulfill(.failure(failure))
        for continuation in eventSubscribers.values { continuation.finish() }
        for continuation in changeSubscribers.values { continuation.finish() }
        eventSubscribers.removeAll()
        changeSubscribers.removeAll()
    }

    // MARK: - Connection loop

    func run() async {
        var backoff = ReconnectBackoff(policy: configuration.reconnect)
        var random = configuration.jitterSeed.map(SplitMix64.init(seed:)) ?? SplitMix64()
        var lastError: UserDataError?
        var attempt = 0
        while !stopRequested && !Task.isCancelled {
            phase = .connecting
            emit(.connecting(attempt: attempt))
            let conn: any UserDataConnection
            do {
                conn = try await transport.connect()
            } catch {
                if transport.reconnectsItself {
                    // Such a transport only fails `connect()` once its connection ended for good
                    // (the pool's policy gave up, the pool was shut down) or the task is
                    // cancelled: nothing to retry. End as separate mode does on give-up.
                    if !stopRequested {
                        let failure = (error as? UserDataError) ?? .closed
                        logger.error("user-data shared connection ended", metadata: ["error": "\(failure)"])
                        fatalError = failure
                        await transport.shutdown()
                        finish(with: failure)
                    }
                    return
                }
                backoff.attemptFailed(at: clock.now())
                lastError = .invalidRequest("connect failed: \(error)")
                logger.warning("user-data connect failed", metadata: ["error": "\(error)"])
                if await !scheduleReconnect(&backoff, &random, &attempt, lastError: lastError) { return }
                continue
            }
            if stopRequested {
                await conn.close()
                break
            }
            backoff.connectionOpened(at: clock.now())
            let end = await runSession(conn)
            await conn.close()
            backoff.connectionClosed(at: clock.now())
            connectionLost(reason: end.reason)
            if let fatal = end.fatal {
                fatalError = fatal
                await transport.shutdown()
                finish(with: fatal)
                return
            }
            if end.wasReady { attempt = 0 }
            if end.wasReady && serverRequestedReconnect {
                // A server restart (20051) is not our failure: start a fresh schedule so the
                // first attempt is immediate even if the previous outage was recent.
                backoff = ReconnectBackoff(policy: configuration.reconnect)
                backoff.connectionClosed(at: clock.now())
            }
            lastError = end.error
            if stopRequested { break }
            if await !scheduleReconnect(&backoff, &random, &attempt, lastError: lastError) { return }
        }
    }

    /// Waits before the next attempt; returns false when the policy gave up (client finished).
    func scheduleReconnect(_ backoff: inout ReconnectBackoff, _ random: inout SplitMix64, _ attempt: inout Int,
                           lastError: UserDataError?) async -> Bool {
        let immediate = serverRequestedReconnect
        serverRequestedReconnect = false
        if transport.reconnectsItself {
            // The pool reconnects under its own policy; `connect()` waits for its next socket.
            attempt += 1
            emit(.reconnecting(attempt: attempt, delay: .zero))
            return !stopRequested
        }
        switch backoff.next(at: clock.now(), immediate: immediate, using: &random) {
        case let .retry(after, next):
            attempt = next
            emit(.reconnecting(attempt: next, delay: after))
            do { try await clock.sleep(for: after) } catch { return !stopRequested }
            return !stopRequested
        case let .giveUp(reason):
            logger.error("user-data reconnect gave up", metadata: ["reason": "\(reason)"])
            let error = lastError ?? .notConnected
            fatalError = error
            finish(with: error)
            return false
        }
    }

    struct SessionEnd {
        var reason: String
        var fatal: UserDataError?
        var error: UserDataError?
        var wasReady: Bool
    }

    /// One connection: authenticate, synchronise, then process frames until it closes.
    func runSession(_ conn: any UserDataConnection) async -> SessionEnd {
        connectionIndex += 1
        let generation = connectionIndex
        connection = conn
        decoder = FrameDecoder()
        phase = .authenticating
        authTimedOut = false
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
        } catch let error as UserDataError {
            watchdog.cancel()
            if case let .authenticationFailed(kind, _, _) = error {
                // nonceTooSmall here means the manager's one retry failed as well.
                _ = kind
                return SessionEnd(reason: "authentication failed: \(error)", fatal: error, error: error, wasReady: false)
            }
            return SessionEnd(reason: "\(error)", fatal: nil, error: error, wasReady: false)
        } catch {
            watchdog.cancel()
            return SessionEnd(reason: "authentication aborted: \(error)", fatal: nil,
                              error: .invalidRequest("\(error)"), wasReady: false)
        }

        beginSynchronization(generation: generation)
        emit(.authenticated(userID: authResult.userID, nonce: authResult.nonce))
        let snapshotTimeout = configuration.snapshotTimeout
        let syncTimer = Task { [clock] in
            do { try await clock.sleep(for: snapshotTimeout) } catch { return }
            await self.finishSynchronization(generation: generation)
        }
        defer { syncTimer.cancel() }
        lastFrameAt = clock.now()
        stalled = false
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
                if phase == .ready { wasReady = true }
                if phase == .synchronizing, !syncFinishing, snapshotsComplete() {
                    await finishSynchronization(generation: generation)
                }
                if stopRequested { break }
            }
        } catch {
            reason = "connection error: \(error)"
        }
        if phase == .ready { wasReady = true }
        if serverRequestedReconnect { reason = "server requested reconnect (20051)" }
        if stalled { reason = "connection stalled: no data within the heartbeat timeout" }
        if stopRequested { reason = "stopped" }
        return SessionEnd(reason: reason, fatal: nil, error: nil, wasReady: wasReady)
    }

    /// Closes the connection when nothing arrived within `timeout`; returns whether it did.
    func closeIfStalled(generation: Int, timeout: Duration) async -> Bool {
        guard generation == connectionIndex, let connection else { return true }
        guard clock.now() - lastFrameAt > timeout else { return false }
        stalled = true
        logger.warning("user-data connection stalled; reconnecting", metadata: ["timeout": "\(timeout)"])
        await connection.close()
        return true
    }

    func authWatchdogFired(generation: Int) async {
        guard generation == connectionIndex, phase == .authenticating, let connection else { return }
        authTimedOut = true
        await connection.close()
    }

    /// Sends `auth` inside the nonce manager's serialized section for the key (critical
    /// priority), so no REST call of the key can take a nonce between ours and the server's
    /// answer. A `10114` answer is classified `nonceTooSmall`: the manager raises the floor and
    /// runs the closure once more with a fresh nonce on the same connection.
    func authenticate(_ conn: any UserDataConnection, generation: Int,
                      iterator: inout UserDataInboundIterator) async throws -> (userID: Int64?, nonce: Int64) {
        try await nonceManager.perform(key: nonceKeyID, priority: .critical, label: "ws/auth") { issued in
            let nonce = issued  // Int64 end to end (BfxNonce, signing, events)
            let frame = try UserDataWire.authFrame(credentials: credentials, nonce: issued, configuration: configuration)
            try await conn.send(frame)
            framesSent += 1
            while true {
                let next: UserDataInbound?
                do {
                    next = try await iterator.next(isolation: self)
                } catch {
                    recordAuth(generation, nonce, "connection error")
                    throw UserDataError.invalidRequest("connection lost during auth: \(error)")
                }
                guard let inbound = next else {
                    recordAuth(generation, nonce, authTimedOut ? "timed out" : "connection closed")
                    if authTimedOut { throw UserDataError.authenticationTimedOut }
                    throw UserDataError.notConnected
                }
                lastFrameWallMillis = wallMillis()
                guard let frame = decode(inbound) else { continue }
                switch frame {
                case let .event(.auth(auth)):
                    if auth.isOK {
                        recordAuth(generation, nonce, "OK")
                        return (auth.userId, nonce)
                    }
                    let message = auth.message ?? auth.status
                    let kind = UserDataError.AuthFailureKind.classify(code: auth.code?.rawValue, message: message)
                    let error = UserDataError.authenticationFailed(kind: kind, code: auth.code?.rawValue, serverText: message)
                    recordAuth(generation, nonce, "\(error)")
                    logger.warning("user-data auth failed", metadata: ["kind": "\(kind.rawValue)", "nonce": "\(nonce)"])
                    emit(.authenticationFailed(error, nonce: nonce))
                    throw error
                case let .event(.info(info)):
                    handleInfo(info)
                    if serverRequestedReconnect { throw UserDataError.notConnected }
                default:
                    continue
                }
            }
        }
    }

    func recordAuth(_ connection: Int, _ nonce: Int64, _ outcome: String) {
        Counter(label: "bfx_userdata_auth_total", dimensions: [("outcome", outcome == "OK" ? "ok" : "failed")]).increment()
        authAttempts.append(.init(connection: connection, nonce: nonce, outcome: outcome))
        if authAttempts.count > 100 { authAttempts.removeFirst(authAttempts.count - 100) }
    }

    func handleInfo(_ info: InfoEvent) {
        guard let code = info.code?.rawValue else { return }
        emit(.serverInfo(code: code, message: info.message))
        if code == BfxErrorCode.maintenanceStart.rawValue {
            maintenance = true
        } else if code == BfxErrorCode.maintenanceEnd.rawValue {
            maintenance = false
            if phase == .ready { Task { await self.drainOutage() } }
        }
        if code == BfxErrorCode.serverRestart.rawValue {
            serverRequestedReconnect = true
            // A self-reconnecting (shared) transport has already closed the socket itself.
            if !transport.reconnectsItself, let connection {
                Task { await connection.close() }
            }
        }
    }

    /// Marks the connection lost: remembers the account at disconnect as the reconciliation
    /// baseline and parks requests that were already written.
    func connectionLost(reason: String) {
        let wasReady = phase == .ready
        connection = nil
        if phase != .stopped { phase = .disconnected }
        if wasReady || baseline == nil && account.receivedSnapshots.isEmpty == false {
            baseline = Baseline(state: account, disconnectedAtMillis: wallMillis(), lastFrameMillis: lastFrameWallMillis)
        }
        syncState = nil
        syncQueue.removeAll()
        syncFinishing = false
        let now = clock.now()
        for pending in correlator.takeSent() {
            inFlightAtDisconnect.append((pending.token, now))
        }
        if !inFlightAtDisconnect.isEmpty { scheduleBufferExpiry() }
        if !stopRequested {
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
                decodeErrors += 1
                logger.warning("user-data frame could not be decoded", metadata: ["error": "\(error)"])
                return nil
            }
        }
    }

    func handleInbound(_ inbound: UserDataInbound, generation: Int) {
        guard generation == connectionIndex else { return }
        lastFrameWallMillis = wallMillis()
        lastFrameAt = clock.now()
        framesReceived += 1
        guard let frame = decode(inbound) else { return }
        switch frame {
        case let .user(event, _):
            messagesReceived += 1
            if phase == .synchronizing {
                enqueueDuringSync(event)
            } else if phase == .ready {
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
        let changes = Self.apply(event, to: &account)
        correlate(event)
        if case let .tradeExecuted(trade) = event, reportedOfflineTradeIDs.contains(trade.id) {
            // Already reported in the offline-changes report; not delivered twice.
            publish(changes)
            return
        }
        emit(.message(event))
        publish(changes)
    }

    /// Applies a channel-0 message to `state` and returns the changes.
    static func apply(_ event: UserEvent, to state: inout AccountState) -> [AccountChange] {
        state.apply(event)
    }

    // MARK: - Synchronisation after auth

    func beginSynchronization(generation: Int) {
        phase = .synchronizing
        maintenance = false
        var fresh = account
        fresh.resetSnapshotTracking()
        syncState = fresh
        syncQueue = []
        syncFinishing = false
    }

    func enqueueDuringSync(_ event: UserEvent) {
        guard var fresh = syncState else { return }
        if Self.isSnapshot(event) {
            let changes = Self.apply(event, to: &fresh)
            syncState = fresh
            syncQueue.append((event, true, changes))
        } else {
            syncQueue.append((event, false, []))
        }
    }

    static func isSnapshot(_ event: UserEvent) -> Bool {
        switch event {
        case .orderSnapshot, .positionSnapshot, .walletSnapshot, .fundingOfferSnapshot, .fundingCreditSnapshot, .fundingLoanSnapshot:
            return true
        default:
            return false
        }
    }

    var expectedSnapshotKinds: Set<AccountChange.SnapshotKind> {
        Set(configuration.expectedSnapshots.compactMap(AccountChange.SnapshotKind.init(rawValue:)))
    }

    func snapshotsComplete() -> Bool {
        guard let fresh = syncState else { return false }
        return expectedSnapshotKinds.isSubset(of: fresh.receivedSnapshots)
    }

    /// Completes synchronisation (all expected snapshots arrived, or the snapshot timeout
    /// fired): REST fallbacks and trades, offline report, in-flight resolution, replay of the
    /// messages that arrived meanwhile, then the outage buffer is flushed.
    func finishSynchronization(generation: Int) async {
        guard generation == connectionIndex, phase == .synchronizing, !syncFinishing else { return }
        syncFinishing = true
        let previous = baseline
        var unavailable: [String] = []
        var restOrders: [Order]?
        var restPositions: [Position]?
        var restWallets: [Wallet]?
        var restTrades: [AccountTrade] = []
        let missing = expectedSnapshotKinds.subtracting(syncState?.receivedSnapshots ?? [])
        if let source = reconciliationSource {
            if missing.contains(.orders) {
                do { restOrders = try await source.openOrders() } catch { unavailable.append("rest.orders: \(error)") }
            }
            if missing.contains(.positions) {
                do { restPositions = try await source.positions() } catch { unavailable.append("rest.positions: \(error)") }
            }
            if missing.contains(.wallets) {
                do { restWallets = try await source.wallets() } catch { unavailable.append("rest.wallets: \(error)") }
            }
            if let previous {
                do {
                    restTrades = try await source.trades(sinceMillis: previous.lastFrameMillis - 60_000)
                } catch {
                    unavailable.append("rest.trades: \(error)")
                }
            }
        } else if previous != nil {
            unavailable.append("no reconciliation source: offline trades unknown")
        }
        // The connection may have dropped while REST was awaited.
        guard generation == connectionIndex, phase == .synchronizing, var fresh = syncState else { return }
        var fallbackChanges: [AccountChange] = []
        if let restOrders, !fresh.receivedSnapshots.contains(.orders) { fallbackChanges += fresh.applyOrderSnapshot(restOrders) }
        if let restPositions, !fresh.receivedSnapshots.contains(.positions) { fallbackChanges += fresh.applyPositionSnapshot(restPositions) }
        if let restWallets, !fresh.receivedSnapshots.contains(.wallets) { fallbackChanges += fresh.applyWalletSnapshot(restWallets) }
        for kind in expectedSnapshotKinds.subtracting(fresh.receivedSnapshots) {
            unavailable.append("snapshot \(kind.rawValue) not received")
        }

        var report: OfflineChangeReport?
        if let previous {
            var built = AccountReconciler.reconcile(
                previous: previous.state, current: fresh, restTrades: restTrades,
                tradesSinceMillis: previous.lastFrameMillis - 60_000,
                disconnectedAtMillis: previous.disconnectedAtMillis, reconciledAtMillis: wallMillis())
            built.unavailableSources = unavailable
            // Offline trades that will also arrive live (as `te`) must not be reported twice.
            let queuedTradeIDs = Set(syncQueue.compactMap { entry -> Int64? in
                if case let .tradeExecuted(trade) = entry.event { return trade.id }
                return nil
            })
            built.trades.removeAll { queuedTradeIDs.contains($0.id) }
            for trade in built.trades { _ = fresh.applyTrade(trade) }
            reportedOfflineTradeIDs = Set(built.trades.map(\.id))
            report = built
            reconciliations += 1
            Counter(label: "bfx_userdata_reconciliations_total").increment()
            Counter(label: "bfx_userdata_offline_trades_total").increment(by: built.trades.count)
        }

        account = fresh
        syncState = nil
        phase = .ready
        baseline = nil
        resolveInFlight(report: report)
        if let report { emit(.offlineChanges(report)) }
        let queued = syncQueue
        syncQueue = []
        for entry in queued {
            if entry.applied {
                emit(.message(entry.event))
                publish(entry.changes)
            } else {
                process(entry.event)
            }
        }
        publish(fallbackChanges)
        emit(.ready(afterReconnect: previous != nil))
        startPromise.fulfill(.success(true))
        await drainOutage()
    }

    // MARK: - Requests

    /// The value a request resolves with.
    enum CorrelatedValue: Sendable {
        case order(Order)
        case offer(FundingOffer)
    }

    /// Book-keeping for one request.
    struct RequestRecord {
        var kind: UserDataRequestKind
        var key: RequestCorrelator<CorrelatedValue>.Key
        var frame: String
        var promise: RequestPromise<CorrelatedValue>
        var multiGroup: UInt64?
    }

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
        guard phase != .stopped, !stopRequested else { throw UserDataError.closed }
        if correlator.isPending(key), kind == .submit {
            throw UserDataError.duplicateCorrelationKey(key.description)
        }
        let promise = RequestPromise<CorrelatedValue>()
        let direct = phase == .ready && !maintenance && !draining && outage.isEmpty && connection != nil
        if !direct {
            guard configuration.bufferWhileDisconnected, allowBuffering else { throw UserDataError.notConnected }
            let token = correlator.register(kind, key: key, deadline: nil)
            do {
                try outage.enqueue(.request(token), dedupeKey: dedupeCID, now: clock.now())
            } catch {
                correlator.remove(token: token)
                switch error {
                case let .full(capacity): throw UserDataError.outageBufferFull(capacity: capacity)
                case let .duplicateKey(cid): throw UserDataError.duplicateCorrelationKey("cid:\(cid)")
                }
            }
            requests[token] = RequestRecord(kind: kind, key: key, frame: frame, promise: promise, multiGroup: multiGroup)
            scheduleBufferExpiry()
            return (promise, false)
        }
        let token = correlator.register(kind, key: key, deadline: clock.now() + configuration.requestTimeout)
        requests[token] = RequestRecord(kind: kind, key: key, frame: frame, promise: promise, multiGroup: multiGroup)
        scheduleRequestTimeout()
        return (promise, true)
    }

    /// Writes frames of requests registered by `enqueue` for direct sending.
    func write(_ frame: String) async {
        guard let connection else { return }
        do {
            try await connection.send(frame)
            framesSent += 1
        } catch {
            // Treated like a loss after sending: the request stays armed, the disconnect parks it
            // and reconciliation decides (never resent blindly, so never duplicated).
            logger.warning("user-data send failed", metadata: ["error": "\(error)"])
        }
    }

    func scheduleRequestTimeout() {
        let timeout = configuration.requestTimeout
        Task { [clock] in
            do { try await clock.sleep(for: timeout) } catch { return }
            self.expireRequests()
        }
    }

    func expireRequests() {
        for resolution in correlator.expire(now: clock.now()) { resolve(resolution.token, resolution.result) }
    }

    func scheduleBufferExpiry() {
        let maxAge = configuration.outageBufferMaxAge
        Task { [clock] in
            do { try await clock.sleep(for: maxAge + .milliseconds(1)) } catch { return }
            self.expireBuffered()
        }
    }

    func expireBuffered() {
        let now = clock.now()
        for entry in outage.removeExpired(now: now) { expire(entry.element) }
        inFlightAtDisconnect.removeAll { item in
            guard now - item.since > configuration.outageBufferMaxAge else { return false }
            let kind = requests[item.token]?.kind ?? .submit
            resolve(item.token, .failure(.outcomeUnknownAfterDisconnect(request: kind)))
            return true
        }
    }

    /// Requests written before the disconnect: resolved from the reconciled state when the
    /// outcome is visible there, otherwise failed as "outcome unknown" (never resent).
    func resolveInFlight(report: OfflineChangeReport?) {
        let parked = inFlightAtDisconnect
        inFlightAtDisconnect.removeAll()
        for (token, _) in parked {
            guard let record = requests[token] else { continue }
            switch (record.kind, record.key) {
            case let (.submit, .cid(cid)):
                if let order = account.order(cid: cid) {
                    resolve(token, .success(.order(order)))
                    continue
                }
                if let closed = report?.closedOrders.first(where: { $0.lastKnown.cid == cid }) {
                    resolve(token, .success(.order(closed.lastKnown)))
                    continue
                }
            case let (.cancel, .orderID(id)):
                if account.orders[id] == nil, let closed = report?.closedOrders.first(where: { $0.lastKnown.id == id }) {
                    resolve(token, .success(.order(closed.lastKnown)))
                    continue
                }
            default:
                break
            }
            resolve(token, .failure(.outcomeUnknownAfterDisconnect(request: record.kind)))
        }
    }

    /// Sends buffered inputs once, in original order, after re-auth and reconciliation.
    func drainOutage() async {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        var sent = 0
        var expired = 0
        var known = 0
        var rounds = 0
        // Bounded: each round empties the buffer; new inputs arriving meanwhile join the next
        // round (at most `capacity` + 1 rounds of progress are possible per outage).
        while !outage.isEmpty, phase == .ready, !maintenance, rounds <= configuration.outageBufferCapacity + 1 {
            rounds += 1
            let result = outage.drain(now: clock.now()) { cid in account.order(cid: cid) != nil }
            for entry in result.expired {
                expire(entry.element)
                expired += 1
            }
            for entry in result.alreadyKnown {
                // Only single requests carry a dedupe key (the CID of a new order).
                guard case let .request(token) = entry.element else { continue }
                correlator.remove(token: token)
                if let cid = entry.dedupeKey, let order = account.order(cid: cid) {
                    resolve(token, .success(.order(order)))
                }
                known += 1
            }
            var remaining = result.toSend[...]
            while let entry = remaining.first {
                guard phase == .ready, connection != nil else { break }
                guard let frame = await prepareBufferedSend(entry.element) else {
                    if phase != .ready || connection == nil { break }
                    remaining = remaining.dropFirst()
                    continue
                }
                // `prepareBufferedSend` may have waited (calc throttle): check the link again.
                guard phase == .ready, let connection else { break }
                remaining = remaining.dropFirst()
                armBuffered(entry.element)
                var written = true
                do {
                    try await connection.send(frame)
                    framesSent += 1
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
                outage.restoreFront(Array(remaining))
                break
            }
        }
        if sent + expired + known > 0 {
            emit(.outageBufferFlushed(sent: sent, expired: expired, alreadyKnown: known))
        }
    }

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

    func nextCID() -> Int64 {
        // Milliseconds since midnight UTC × 1000 + sequence: unique within the UTC day (the
        // uniqueness Bitfinex asks for) for up to 1000 orders per ms, and below 2^45.
        cidSequence = (cidSequence + 1) % 1000
        let msOfDay = wallMillis() % 86_400_000
        return msOfDay * 1000 + cidSequence
    }
}

extension OutageBuffer.DrainResult {
    /// Every entry regardless of classification, in original order.
    var allEntries: [OutageBuffer.Entry] {
        (toSend + expired + alreadyKnown).sorted { $0.sequence < $1.sequence }
    }
}
