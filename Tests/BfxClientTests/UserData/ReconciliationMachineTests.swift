import BfxProtocol
import Foundation
import Testing
@testable import BfxClient

/// Synchronisation decisions: snapshot tracking, queueing, REST fallbacks, the offline report
/// and in-flight resolution, without a client or a socket.
@Suite struct ReconciliationMachineTests {
    static let expected: Set<AccountChange.SnapshotKind> = [.orders, .wallets]

    static func account(_ orders: [Order], wallets: [Wallet] = []) -> AccountState {
        var state = AccountState()
        _ = state.apply(.orderSnapshot(orders))
        _ = state.apply(.walletSnapshot(wallets))
        return state
    }

    @Test func snapshotsApplyAndOtherMessagesWaitInServerOrder() throws {
        var machine = ReconciliationMachine(expectedSnapshots: Self.expected)
        machine.begin(from: AccountState())
        machine.receive(.orderNew(UD.order(9, cid: 90)))
        machine.receive(.orderSnapshot([UD.order(1, cid: 10)]))
        #expect(!machine.isReadyToFinish)
        machine.receive(.walletSnapshot([UD.wallet("exchange", "USD", "100")]))
        #expect(machine.isReadyToFinish)
        let began = machine.beginFinish()
        let plan = try #require(began)
        #expect(plan.missingSnapshots.isEmpty)
        #expect(plan.tradesSinceMillis == nil)
        #expect(!machine.isReadyToFinish)
        let beganAgain = machine.beginFinish()
        #expect(beganAgain == nil)
        let completed = machine.complete(rest: .init(), reconciledAtMillis: 5_000)
        let completion = try #require(completed)
        #expect(completion.report == nil)
        #expect(!completion.afterReconnect)
        #expect(completion.queued.map(\.applied) == [false, true, true])
        #expect(completion.account.orders[1] != nil)
        // The queued `on` is processed by the actor after installation, not applied here.
        #expect(completion.account.orders[9] == nil)
    }

    @Test func missingSnapshotsComeFromRESTOrAreReportedUnavailable() throws {
        var machine = ReconciliationMachine(expectedSnapshots: Self.expected)
        machine.connectionLost(account: Self.account([UD.order(1, cid: 10)]), wasReady: true, disconnectedAtMillis: 100_000,
                               lastFrameMillis: 90_000)
        machine.begin(from: Self.account([UD.order(1, cid: 10)]))
        let began = machine.beginFinish()
        let plan = try #require(began)
        #expect(plan.missingSnapshots == [.orders, .wallets])
        #expect(plan.tradesSinceMillis == 30_000)
        var rest = ReconciliationMachine.RESTResults()
        rest.orders = [UD.order(2, cid: 20)]
        rest.unavailable = ["rest.wallets: down"]
        let completed = machine.complete(rest: rest, reconciledAtMillis: 200_000)
        let completion = try #require(completed)
        #expect(completion.afterReconnect)
        #expect(completion.account.orders[2] != nil)
        #expect(!completion.fallbackChanges.isEmpty)
        let report = try #require(completion.report)
        #expect(report.unavailableSources == ["rest.wallets: down", "snapshot ws not received"])
        #expect(report.closedOrders.map(\.lastKnown.id) == [1])
        #expect(report.newOrders.map(\.id) == [2])
    }

    @Test func offlineTradesAlsoQueuedLiveAreNotReportedTwice() throws {
        var machine = ReconciliationMachine(expectedSnapshots: [.orders])
        let previous = Self.account([UD.order(1, cid: 10)])
        machine.connectionLost(account: previous, wasReady: true, disconnectedAtMillis: 100_000, lastFrameMillis: 90_000)
        machine.begin(from: previous)
        machine.receive(.orderSnapshot([]))
        machine.receive(.tradeExecuted(UD.trade(501, order: 1, amount: "1", mts: 95_000)))
        _ = machine.beginFinish()
        var rest = ReconciliationMachine.RESTResults()
        rest.trades = [UD.trade(500, order: 1, amount: "0.5", mts: 94_000), UD.trade(501, order: 1, amount: "0.5", mts: 95_000)]
        let completed = machine.complete(rest: rest, reconciledAtMillis: 100_500)
        let report = try #require(completed?.report)
        #expect(report.trades.map(\.id) == [500])
        #expect(machine.wasReportedOffline(tradeID: 500))
        #expect(!machine.wasReportedOffline(tradeID: 501))
    }

    @Test func connectionLostDuringSynchronisationDropsIt() {
        var machine = ReconciliationMachine(expectedSnapshots: [.orders])
        machine.begin(from: AccountState())
        machine.receive(.orderSnapshot([UD.order(1)]))
        _ = machine.beginFinish()
        // Not ready when lost, but snapshots were seen: the state becomes the first baseline.
        machine.connectionLost(account: Self.account([UD.order(1)]), wasReady: false, disconnectedAtMillis: 1, lastFrameMillis: 1)
        let dropped = machine.complete(rest: .init(), reconciledAtMillis: 2)
        #expect(dropped == nil)
        machine.begin(from: AccountState())
        let plan = machine.beginFinish()
        #expect(plan?.tradesSinceMillis == 1 - 60_000)
    }

    @Test func inFlightRequestsResolveFromTheReconciledStateOrAreUnknown() {
        let account = Self.account([UD.order(1, cid: 10)])
        var report = OfflineChangeReport(disconnectedAtMillis: 0, reconciledAtMillis: 1)
        report.closedOrders = [.init(lastKnown: UD.order(2, cid: 20), outcome: .cancelled, filledAmount: 0, trades: []),
                               .init(lastKnown: UD.order(3, cid: 30), outcome: .filled, filledAmount: 1, trades: [])]
        let results = ReconciliationMachine.resolveInFlight(
            [.init(token: 1, kind: .submit, key: .cid(10)),     // visible open
             .init(token: 2, kind: .submit, key: .cid(20)),     // closed offline
             .init(token: 3, kind: .cancel, key: .orderID(3)),  // gone and closed: cancel took effect
             .init(token: 4, kind: .cancel, key: .orderID(1)),  // still open: unknown
             .init(token: 5, kind: .update, key: .orderID(1))], // updates are never guessed
            account: account, report: report)
        #expect(results.map(\.token) == [1, 2, 3, 4, 5])
        let ids: [Int64?] = results.map { entry in
            if case let .success(.order(order)) = entry.result { return order.id }
            return nil
        }
        #expect(ids == [1, 2, 3, nil, nil])
        if case let .failure(error) = results[4].result {
            #expect(error == .outcomeUnknownAfterDisconnect(request: .update))
        } else {
            Issue.record("expected outcome unknown")
        }
    }
}
