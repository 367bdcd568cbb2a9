import BfxProtocol
import Foundation

/// Computes the "while offline" report: previous account state (at disconnect) versus the
/// state rebuilt after re-auth, plus own trades fetched from REST. Pure; no I/O.
package enum AccountReconciler {
    /// Builds the report.
    /// - Parameters:
    ///   - previous: the state at the moment the connection was lost.
    ///   - current: the state rebuilt from the fresh snapshots (and REST fallbacks).
    ///   - restTrades: recent own trades from REST (any order; duplicates and trades already
    ///     delivered live are removed by ID).
    ///   - tradesSinceMillis: trades older than this are not considered offline trades.
    ///   - disconnectedAtMillis: wall-clock stamp (ms) of the disconnect, for the report.
    ///   - reconciledAtMillis: wall-clock stamp (ms) of this reconciliation, for the report.
    package static func reconcile(
        previous: AccountState,
        current: AccountState,
        restTrades: [AccountTrade],
        tradesSinceMillis: Int64,
        disconnectedAtMillis: Int64,
        reconciledAtMillis: Int64
    ) -> OfflineChangeReport {
        var report = OfflineChangeReport(disconnectedAtMillis: disconnectedAtMillis, reconciledAtMillis: reconciledAtMillis)

        var seen = Set<Int64>()
        var offlineTrades: [AccountTrade] = []
        for trade in restTrades.sorted(by: { ($0.mtsCreate, $0.id) < ($1.mtsCreate, $1.id) })
        where trade.mtsCreate >= tradesSinceMillis && !previous.hasTrade(id: trade.id) && !seen.contains(trade.id) {
            seen.insert(trade.id)
            offlineTrades.append(trade)
        }
        report.trades = offlineTrades

        for change in ObjectChange.diff(from: previous.orders, to: current.orders) {
            switch change {
            case let .removed(order):
                let trades = offlineTrades.filter { $0.orderId == order.id }
                let filled = trades.reduce(Decimal.zero) { $0 + $1.execAmount.decimal }
                let remaining = order.amount?.decimal ?? .zero
                let outcome: OfflineChangeReport.ClosedOutcome
                if trades.isEmpty {
                    outcome = .cancelled
                } else if abs(filled) >= abs(remaining) {
                    outcome = .filled
                } else {
                    outcome = .partiallyFilledThenClosed
                }
                report.closedOrders.append(.init(lastKnown: order, outcome: outcome, filledAmount: filled, trades: trades))
            case .updated:
                report.updatedOrders.append(change)
            case let .added(order):
                report.newOrders.append(order)
            }
        }

        report.positions = ObjectChange.diff(from: previous.positions, to: current.positions)

        let walletKeys = Set(previous.wallets.keys).union(current.wallets.keys).sorted()
        for key in walletKeys {
            let old = previous.wallets[key]
            let new = current.wallets[key]
            guard old != new else { continue }
            let change = (new?.balance.decimal ?? .zero) - (old?.balance.decimal ?? .zero)
            report.wallets.append(.init(key: key, previous: old, current: new, change: change))
        }

        report.fundingOffers = ObjectChange.diff(from: previous.fundingOffers, to: current.fundingOffers)
        report.fundingCredits = ObjectChange.diff(from: previous.fundingCredits, to: current.fundingCredits)
        report.fundingLoans = ObjectChange.diff(from: previous.fundingLoans, to: current.fundingLoans)
        return report
    }
}
