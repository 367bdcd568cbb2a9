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
/// mutated by the reader task, timers and any number of caller tasks. The decisions are taken by
/// internal value-type machines (`UserDataSessionMachine`, `UserDataReconnectMachine`,
/// `OutageBufferMachine`, `ReconciliationMachine`); the actor performs what they return:
/// sends, closes, timers, events, metrics and logs.
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

    // Decisions (pure state machines; this actor performs what they return).
    /// Phase, auth verdicts, info codes, maintenance, liveness.
    var session = UserDataSessionMachine()
    /// Held inputs, their expiry and flush, requests parked at a disconnect.
    var outage: OutageBufferMachine
    /// Snapshot synchronisation and the offline report after each auth.
    var reconciliation: ReconciliationMachine

    // Connection
    var connection: (any UserDataConnection)?
    var decoder = FrameDecoder()
    var runTask: Task<Void, Never>?
    var startPromise = RequestPromise<Bool>()

    // Account and requests
    var account: AccountState
    var correlator = RequestCorrelator<CorrelatedValue>()
    var requests: [UInt64: RequestRecord] = [:]
    var calcThrottle = CalcThrottle()
    var cidSequence: Int64 = 0

    // Delivery and statistics
    var delivery = UserDataDelivery()
    var counters = UserDataCounters()

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
        clock: any BfxClock = SystemClock(),
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
        self.clock = ClientClock(clock)
        self.wallMillis = wallMillis
        self.logger = logger
        self.account = AccountState(recentTradesCapacity: configuration.recentTradesCapacity,
                                    seenTradeIDsCapacity: configuration.seenTradeIDsCapacity)
        self.outage = OutageBufferMachine(capacity: configuration.outageBufferCapacity, maxAge: configuration.outageBufferMaxAge)
        self.reconciliation = ReconciliationMachine(
            expectedSnapshots: Set(configuration.expectedSnapshots.compactMap(AccountChange.SnapshotKind.init(rawValue:))))
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
            guard !session.stopRequested else { throw UserDataError.closed }
            guard transport.sharing == configuration.sharing else {
                throw UserDataError.invalidRequest("configuration.sharing is \(configuration.sharing.rawValue) but the transport is "
                    + "\(transport.sharing.rawValue) (shared mode needs a SharedUserDataTransport, separate mode any other)")
            }
            guard session.start() else { throw UserDataError.closed }
            runTask = Task { await self.run() }
        }
        _ = try await startPromise.value()
    }

    /// Stops the client: closes the connection, fails pending and buffered requests with
    /// ``UserDataError/closed`` and finishes every event stream. Idempotent.
    public func stop() async {
        guard session.requestStop() else { return }
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
    public var currentPhase: UserDataPhase { session.phase }

    /// Counters and the auth history.
    public var status: UserDataStatus {
        UserDataStatus(phase: session.phase, connectionsOpened: session.generation + 1, authAttempts: counters.authAttempts,
                       pendingRequests: requests.count, bufferedInputs: outage.count, framesSent: counters.framesSent,
                       framesReceived: counters.framesReceived, messagesReceived: counters.messagesReceived,
                       decodeErrors: counters.decodeErrors, reconciliations: counters.reconciliations,
                       fatalError: session.fatalError)
    }

    /// A new stream of every event from now on. Slow consumers lose the oldest events beyond
    /// ``UserDataConfiguration/eventBufferCapacity`` (the account state is never affected).
    public func events() -> AsyncStream<UserDataEvent> {
        makeSubscription({ delivery.addEventSubscriber($0, $1) }, remove: { await $0.removeEventSubscriber($1) })
    }

    /// A new stream of every account change from now on (same buffering as ``events()``).
    public func accountChanges() -> AsyncStream<AccountChange> {
        makeSubscription({ delivery.addChangeSubscriber($0, $1) }, remove: { await $0.removeChangeSubscriber($1) })
    }

    /// A bounded stream registered under a fresh subscriber id (already finished once stopped);
    /// `remove` unregisters it when the consumer goes away.
    private func makeSubscription<Element: Sendable>(
        _ register: (UInt64, AsyncStream<Element>.Continuation) -> Void,
        remove: @escaping @Sendable (UserDataClient, UInt64) async -> Void
    ) -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self,
                                                            bufferingPolicy: .bufferingNewest(configuration.eventBufferCapacity))
        guard session.phase != .stopped else {
            continuation.finish()
            return stream
        }
        let id = delivery.nextIdentifier()
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
        delivery.addHandler(handler)
    }

    /// Removes a callback registered with ``addEventHandler(_:)``.
    public func removeEventHandler(_ token: UInt64) {
        delivery.removeHandler(token)
    }

    /// Unregisters an event stream whose consumer went away.
    func removeEventSubscriber(_ id: UInt64) { delivery.removeEventSubscriber(id) }
    /// Unregisters an account-change stream whose consumer went away.
    func removeChangeSubscriber(_ id: UInt64) { delivery.removeChangeSubscriber(id) }

    // MARK: - Delivery

    /// Delivers a lifecycle event or channel-0 message to every stream and handler.
    func emit(_ event: UserDataEvent) { delivery.emit(event) }

    /// Delivers account changes to every change stream.
    func publish(_ changes: [AccountChange]) { delivery.publish(changes) }

    /// Ends the client: `stopped` is emitted once, every pending, held and parked request fails
    /// (with `error`, or ``UserDataError/closed`` when the user stopped it), streams finish.
    func finish(with error: UserDataError?) {
        if session.finish(fatal: error) { emit(.stopped(error)) }
        let failure = error ?? .closed
        for resolution in correlator.failAll(failure) { resolve(resolution.token, .failure(failure)) }
        for released in outage.releaseAll(now: clock.now()) { fail(released, with: failure) }
        for token in outage.takeInFlight() {
            resolve(token, .failure(error ?? .outcomeUnknownAfterDisconnect(request: requests[token]?.kind ?? .submit)))
        }
        for token in Array(requests.keys) { resolve(token, .failure(failure)) }
        startPromise.fulfill(.failure(failure))
        delivery.finishStreams()
    }
}
