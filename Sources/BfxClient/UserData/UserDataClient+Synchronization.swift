import BfxProtocol
import Metrics

extension UserDataClient {
    // MARK: - Synchronisation after auth

    /// Authenticated: snapshots rebuild a copy of the account while other messages wait.
    func beginSynchronization() {
        session.authenticated(now: clock.now())
        reconciliation.begin(from: account)
    }

    /// Completes synchronisation (all expected snapshots arrived, or the snapshot timeout
    /// fired): REST fallbacks and trades, offline report, in-flight resolution, replay of the
    /// messages that arrived meanwhile, then the outage buffer is flushed.
    func finishSynchronization(generation: Int) async {
        guard generation == session.generation, session.phase == .synchronizing,
              let plan = reconciliation.beginFinish() else { return }
        let rest = await fetchReconciliationData(plan)
        // The connection may have dropped while REST was awaited.
        guard generation == session.generation, session.phase == .synchronizing,
              let completion = reconciliation.complete(rest: rest, reconciledAtMillis: wallMillis()) else { return }
        if let report = completion.report {
            counters.reconciliations += 1
            Counter(label: "bfx_userdata_reconciliations_total").increment()
            Counter(label: "bfx_userdata_offline_trades_total").increment(by: report.trades.count)
        }
        account = completion.account
        session.synchronized()
        resolveInFlight(report: completion.report)
        if let report = completion.report { emit(.offlineChanges(report)) }
        for entry in completion.queued {
            if entry.applied {
                emit(.message(entry.event))
                publish(entry.changes)
            } else {
                process(entry.event)
            }
        }
        publish(completion.fallbackChanges)
        emit(.ready(afterReconnect: completion.afterReconnect))
        startPromise.fulfill(.success(true))
        await drainOutage()
    }

    /// Fetches what `plan` asks for from the reconciliation source; failures become
    /// `unavailable` entries of the report instead of errors.
    private func fetchReconciliationData(_ plan: ReconciliationMachine.Plan) async -> ReconciliationMachine.RESTResults {
        var rest = ReconciliationMachine.RESTResults()
        guard let source = reconciliationSource else {
            if plan.tradesSinceMillis != nil { rest.unavailable.append("no reconciliation source: offline trades unknown") }
            return rest
        }
        if plan.missingSnapshots.contains(.orders) {
            do { rest.orders = try await source.openOrders() } catch { rest.unavailable.append("rest.orders: \(error)") }
        }
        if plan.missingSnapshots.contains(.positions) {
            do { rest.positions = try await source.positions() } catch { rest.unavailable.append("rest.positions: \(error)") }
        }
        if plan.missingSnapshots.contains(.wallets) {
            do { rest.wallets = try await source.wallets() } catch { rest.unavailable.append("rest.wallets: \(error)") }
        }
        if let since = plan.tradesSinceMillis {
            do { rest.trades = try await source.trades(sinceMillis: since) } catch { rest.unavailable.append("rest.trades: \(error)") }
        }
        return rest
    }

    /// Requests written before the disconnect: resolved from the reconciled state when the
    /// outcome is visible there, otherwise failed as "outcome unknown" (never resent).
    func resolveInFlight(report: OfflineChangeReport?) {
        let parked = outage.takeInFlight().compactMap { token in
            requests[token].map { ReconciliationMachine.InFlightRequest(token: token, kind: $0.kind, key: $0.key) }
        }
        for (token, result) in ReconciliationMachine.resolveInFlight(parked, account: account, report: report) {
            resolve(token, result)
        }
    }
}
