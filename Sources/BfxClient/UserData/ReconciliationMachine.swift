import BfxProtocol

/// The decisions of synchronisation after (re-)authentication: which channel-0 messages are
/// applied to the rebuilt account and which wait, when the expected snapshots are complete,
/// what REST must fill in, the offline-change report against the account at disconnect, and
/// how requests written before the disconnect resolve.
///
/// A value type with no I/O: the actor fetches REST data between ``beginFinish()`` and
/// ``complete(rest:reconciledAtMillis:)`` and performs the emits the returned ``Completion``
/// describes. Wall-clock times are passed in as milliseconds.
struct ReconciliationMachine: Sendable {
    /// The account at the moment the last ready connection was lost.
    struct Baseline: Sendable {
        /// The account state then.
        var state: AccountState
        /// Wall-clock ms of the disconnect.
        var disconnectedAtMillis: Int64
        /// Wall-clock ms of the last frame before it (REST trades are fetched from 60 s earlier).
        var lastFrameMillis: Int64
    }

    /// A channel-0 message received while synchronising, in server order.
    struct QueuedMessage: Sendable {
        /// The message.
        var event: UserEvent
        /// A snapshot, already applied to the rebuilt account (only delivered on completion).
        var applied: Bool
        /// The changes applying it produced (empty when not applied yet).
        var changes: [AccountChange]
    }

    /// What REST has to provide before the report can be built.
    struct Plan: Sendable {
        /// Expected snapshots that did not arrive (fetch them over REST).
        var missingSnapshots: Set<AccountChange.SnapshotKind>
        /// Fetch trades since this wall-clock ms (nil on the first connection: no report).
        var tradesSinceMillis: Int64?
    }

    /// REST results (nil: not fetched or failed; failures are listed in `unavailable`).
    struct RESTResults: Sendable {
        /// Open orders, when the order snapshot was missing.
        var orders: [Order]?
        /// Positions, when the position snapshot was missing.
        var positions: [Position]?
        /// Wallets, when the wallet snapshot was missing.
        var wallets: [Wallet]?
        /// Trades since ``Plan/tradesSinceMillis``.
        var trades: [AccountTrade] = []
        /// Sources that could not be used, as text for the report.
        var unavailable: [String] = []
    }

    /// The outcome of synchronisation, for the actor to install and announce (in this order:
    /// install `account`, resolve in-flight requests, emit `report`, replay `queued`, publish
    /// `fallbackChanges`, emit `ready(afterReconnect:)`, flush the outage buffer).
    struct Completion: Sendable {
        /// The rebuilt account.
        var account: AccountState
        /// What changed while offline (nil on the first connection).
        var report: OfflineChangeReport?
        /// Changes produced by REST fallbacks for missing snapshots.
        var fallbackChanges: [AccountChange]
        /// Messages received meanwhile, in server order.
        var queued: [QueuedMessage]
        /// Whether this followed a disconnect.
        var afterReconnect: Bool
    }

    /// The snapshot kinds the configuration waits for.
    let expectedSnapshots: Set<AccountChange.SnapshotKind>
    private var baseline: Baseline?
    private var rebuilt: AccountState?
    private var queue: [QueuedMessage] = []
    private var finishing = false
    private var reportedOfflineTradeIDs: Set<Int64> = []

    /// A machine waiting for `expectedSnapshots` after each auth.
    init(expectedSnapshots: Set<AccountChange.SnapshotKind>) {
        self.expectedSnapshots = expectedSnapshots
    }

    /// Authenticated: the account is rebuilt from fresh snapshots, starting from `account`.
    mutating func begin(from account: AccountState) {
        var fresh = account
        fresh.resetSnapshotTracking()
        rebuilt = fresh
        queue = []
        finishing = false
    }

    /// A channel-0 message while synchronising: snapshots apply to the rebuilt account, the
    /// rest waits for completion (server order is kept for delivery).
    mutating func receive(_ event: UserEvent) {
        guard var fresh = rebuilt else { return }
        if Self.isSnapshot(event) {
            let changes = fresh.apply(event)
            rebuilt = fresh
            queue.append(QueuedMessage(event: event, applied: true, changes: changes))
        } else {
            queue.append(QueuedMessage(event: event, applied: false, changes: []))
        }
    }

    /// Whether every expected snapshot arrived and completion has not started yet.
    var isReadyToFinish: Bool {
        guard let rebuilt, !finishing else { return false }
        return expectedSnapshots.isSubset(of: rebuilt.receivedSnapshots)
    }

    /// Starts completion (snapshots complete or the snapshot timeout fired). Nil when it is
    /// already running or no synchronisation is under way.
    mutating func beginFinish() -> Plan? {
        guard !finishing, let rebuilt else { return nil }
        finishing = true
        return Plan(missingSnapshots: expectedSnapshots.subtracting(rebuilt.receivedSnapshots),
                    tradesSinceMillis: baseline.map { $0.lastFrameMillis - 60_000 })
    }

    /// Builds the reconciled account and the offline report from the REST results. Nil when
    /// the connection dropped meanwhile (``connectionLost(account:wasReady:disconnectedAtMillis:lastFrameMillis:)``).
    mutating func complete(rest: RESTResults, reconciledAtMillis: Int64) -> Completion? {
        guard var fresh = rebuilt else { return nil }
        var unavailable = rest.unavailable
        var fallbackChanges: [AccountChange] = []
        if let orders = rest.orders, !fresh.receivedSnapshots.contains(.orders) { fallbackChanges += fresh.applyOrderSnapshot(orders) }
        if let positions = rest.positions, !fresh.receivedSnapshots.contains(.positions) {
            fallbackChanges += fresh.applyPositionSnapshot(positions)
        }
        if let wallets = rest.wallets, !fresh.receivedSnapshots.contains(.wallets) { fallbackChanges += fresh.applyWalletSnapshot(wallets) }
        for kind in expectedSnapshots.subtracting(fresh.receivedSnapshots) {
            unavailable.append("snapshot \(kind.rawValue) not received")
        }
        var report: OfflineChangeReport?
        let previous = baseline
        if let previous {
            var built = AccountReconciler.reconcile(
                previous: previous.state, current: fresh, restTrades: rest.trades,
                tradesSinceMillis: previous.lastFrameMillis - 60_000,
                disconnectedAtMillis: previous.disconnectedAtMillis, reconciledAtMillis: reconciledAtMillis)
            built.unavailableSources = unavailable
            // Offline trades that will also arrive live (as `te`) must not be reported twice.
            let queuedTradeIDs = Set(queue.compactMap { entry -> Int64? in
                if case let .tradeExecuted(trade) = entry.event { return trade.id }
                return nil
            })
            built.trades.removeAll { queuedTradeIDs.contains($0.id) }
            for trade in built.trades { _ = fresh.applyTrade(trade) }
            reportedOfflineTradeIDs = Set(built.trades.map(\.id))
            report = built
        }
        let completion = Completion(account: fresh, report: report, fallbackChanges: fallbackChanges,
                                    queued: queue, afterReconnect: previous != nil)
        rebuilt = nil
        queue = []
        baseline = nil
        return completion
    }

    /// Whether a live `te` was already reported in the offline report (deliver it no more).
    func wasReportedOffline(tradeID: Int64) -> Bool {
        reportedOfflineTradeIDs.contains(tradeID)
    }

    /// The connection is gone: the account at this moment becomes the baseline when the
    /// session was ready (or when none exists yet and snapshots were seen); pending
    /// synchronisation is dropped.
    mutating func connectionLost(account: AccountState, wasReady: Bool, disconnectedAtMillis: Int64, lastFrameMillis: Int64) {
        if wasReady || baseline == nil && !account.receivedSnapshots.isEmpty {
            baseline = Baseline(state: account, disconnectedAtMillis: disconnectedAtMillis, lastFrameMillis: lastFrameMillis)
        }
        rebuilt = nil
        queue.removeAll()
        finishing = false
    }

    /// Whether `event` is a snapshot (applied to the rebuilt account during synchronisation).
    static func isSnapshot(_ event: UserEvent) -> Bool {
        switch event {
        case .orderSnapshot, .positionSnapshot, .walletSnapshot, .fundingOfferSnapshot, .fundingCreditSnapshot, .fundingLoanSnapshot:
            return true
        default:
            return false
        }
    }

    /// A request written before the disconnect, as reconciliation sees it.
    struct InFlightRequest: Sendable {
        /// The correlator token.
        var token: UInt64
        /// What it did.
        var kind: UserDataRequestKind
        /// Its correlation key.
        var key: RequestCorrelator<UserDataClient.CorrelatedValue>.Key
    }

    /// Resolves requests written before the disconnect from the reconciled state: a submit whose
    /// CID is in `account` (or closed in `report`) succeeded; a cancel whose order is gone and
    /// was closed succeeded; everything else fails as outcome unknown (never resent).
    static func resolveInFlight(_ requests: [InFlightRequest], account: AccountState, report: OfflineChangeReport?)
        -> [(token: UInt64, result: Result<UserDataClient.CorrelatedValue, UserDataError>)] {
        requests.map { request -> (token: UInt64, result: Result<UserDataClient.CorrelatedValue, UserDataError>) in
            switch (request.kind, request.key) {
            case let (.submit, .cid(cid)):
                if let order = account.order(cid: cid) { return (request.token, .success(.order(order))) }
                if let closed = report?.closedOrders.first(where: { $0.lastKnown.cid == cid }) {
                    return (request.token, .success(.order(closed.lastKnown)))
                }
            case let (.cancel, .orderID(id)):
                if account.orders[id] == nil, let closed = report?.closedOrders.first(where: { $0.lastKnown.id == id }) {
                    return (request.token, .success(.order(closed.lastKnown)))
                }
            default:
                break
            }
            return (request.token, .failure(.outcomeUnknownAfterDisconnect(request: request.kind)))
        }
    }
}
