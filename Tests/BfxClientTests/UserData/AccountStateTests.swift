import BfxProtocol
import Foundation
import Testing
@testable import BfxClient

/// Small builders for synthetic channel-0 models.
enum UD {
    static func n(_ text: String) -> WireNumber { WireNumber(text) ?? WireNumber(0) }

    static func order(_ id: Int64, cid: Int64? = nil, symbol: String = "tBTCUSD", amount: String = "1",
                      price: String = "100", status: String = "ACTIVE", gid: Int64? = nil) -> Order {
        Order(id: id, gid: gid, cid: cid, symbol: symbol, amount: n(amount), amountOrig: n(amount),
              orderType: "EXCHANGE LIMIT", status: status, price: n(price))
    }

    static func wallet(_ type: String = "exchange", _ currency: String, _ balance: String) -> Wallet {
        Wallet(walletType: type, currency: currency, balance: n(balance))
    }

    static func position(_ symbol: String, _ amount: String, status: String = "ACTIVE") -> Position {
        Position(symbol: symbol, status: status, amount: n(amount))
    }

    static func trade(_ id: Int64, order: Int64, amount: String, price: String = "100", mts: Int64 = 1_000, cid: Int64? = nil) -> AccountTrade {
        AccountTrade(id: id, symbol: "tBTCUSD", mtsCreate: mts, orderId: order, execAmount: n(amount), execPrice: n(price), cid: cid)
    }
}

@Suite struct AccountStateTests {
    @Test func orderSnapshotThenDeltas() {
        var state = AccountState()
        let changes = state.applyOrderSnapshot([UD.order(1, cid: 11), UD.order(2, cid: 22)])
        #expect(changes.first == .snapshot(.orders))
        #expect(changes.count == 3)
        #expect(state.order(cid: 22)?.id == 2)

        let r1 = state.applyOrderUpsert(UD.order(3, cid: 33))
        #expect(r1 == [.order(.added(UD.order(3, cid: 33)))])
        let partial = UD.order(1, cid: 11, amount: "0.4", status: "PARTIALLY FILLED @ 100(0.6)")
        let r2 = state.applyOrderUpsert(partial)
        #expect(r2 == [.order(.updated(previous: UD.order(1, cid: 11), current: partial))])
        #expect(state.orders[1]?.amount == UD.n("0.4"))

        let closed = UD.order(2, cid: 22, status: "CANCELED")
        let r3 = state.applyOrderClose(closed)
        #expect(r3 == [.order(.removed(closed))])
        #expect(state.orders[2] == nil)
        #expect(state.order(cid: 22) == nil)
        #expect(state.openOrders.map(\.id) == [1, 3])
    }

    @Test func executedUpdateRemovesOrder() {
        var state = AccountState()
        _ = state.applyOrderUpsert(UD.order(5, cid: 55))
        let executed = UD.order(5, cid: 55, amount: "0", status: "EXECUTED @ 100(1)")
        let r4 = state.applyOrderUpsert(executed)
        #expect(r4 == [.order(.removed(executed))])
        #expect(state.orders.isEmpty)
        #expect(state.orderIDsByCID.isEmpty)
    }

    @Test func snapshotReplacesAndReportsDifferences() {
        var state = AccountState()
        _ = state.applyOrderSnapshot([UD.order(1), UD.order(2)])
        let changes = state.applyOrderSnapshot([UD.order(2, amount: "0.5"), UD.order(3)])
        #expect(changes == [
            .snapshot(.orders),
            .order(.removed(UD.order(1))),
            .order(.updated(previous: UD.order(2), current: UD.order(2, amount: "0.5"))),
            .order(.added(UD.order(3))),
        ])
    }

    @Test func positionsAndWallets() {
        var state = AccountState()
        _ = state.applyPositionSnapshot([UD.position("tBTCUSD", "1"), UD.position("tETHUSD", "0", status: "CLOSED")])
        #expect(state.positions.keys.sorted() == ["tBTCUSD"])
        _ = state.applyPositionUpsert(UD.position("tBTCUSD", "2"))
        #expect(state.positions["tBTCUSD"]?.amount == UD.n("2"))
        _ = state.applyPositionClose(UD.position("tBTCUSD", "0", status: "CLOSED"))
        #expect(state.positions.isEmpty)

        _ = state.applyWalletSnapshot([UD.wallet("exchange", "USD", "1000"), UD.wallet("exchange", "BTC", "1")])
        let change = state.applyWalletUpdate(UD.wallet("exchange", "USD", "900"))
        #expect(change == [.wallet(.updated(previous: UD.wallet("exchange", "USD", "1000"), current: UD.wallet("exchange", "USD", "900")))])
        #expect(state.wallet(type: "exchange", currency: "USD")?.balance == UD.n("900"))
        #expect(state.receivedSnapshots == [.positions, .wallets])
    }

    @Test func tradesAreBoundedAndDeduplicated() {
        var state = AccountState(recentTradesCapacity: 3)
        for id in 1...5 { _ = state.applyTrade(UD.trade(Int64(id), order: 1, amount: "0.1")) }
        #expect(state.recentTrades.map(\.id) == [3, 4, 5])
        let r5 = state.applyTrade(UD.trade(5, order: 1, amount: "0.1"))
        #expect(r5.isEmpty)
        var withFee = UD.trade(5, order: 1, amount: "0.1")
        withFee.fee = UD.n("-0.01")
        let r6 = state.applyTrade(withFee)
        #expect(r6.isEmpty)  // the `tu` completes the fill silently: one fill, one change
        #expect(state.recentTrades.last == withFee)
        #expect(state.recentTrades.count == 3)
        // A `tu` whose `te` was never seen reports the fill (once).
        var lateUpdate = UD.trade(9, order: 2, amount: "0.2")
        lateUpdate.fee = UD.n("-0.02")
        #expect(state.applyTrade(lateUpdate) == [.trade(lateUpdate)])
        #expect(state.applyTrade(lateUpdate).isEmpty)
    }

    @Test func lateTradeUpdateAfterEvictionIsReportedOnceWithinTheSeenIDBound() {
        var state = AccountState(recentTradesCapacity: 2, seenTradeIDsCapacity: 4)
        for id in Int64(1)...4 {
            let trade = UD.trade(id, order: 1, amount: "0.1")
            #expect(state.applyTrade(trade) == [.trade(trade)])
        }
        #expect(state.recentTrades.map(\.id) == [3, 4])
        // Trade 1 left recentTrades but its ID is remembered: its late `tu` is not a new fill
        // and is not stored again.
        var late = UD.trade(1, order: 1, amount: "0.1")
        late.fee = UD.n("-0.01")
        #expect(state.hasTrade(id: 1))
        #expect(state.applyTrade(late).isEmpty)
        #expect(state.recentTrades.map(\.id) == [3, 4])
        // A `tu` of a trade still in recentTrades replaces the stored row silently.
        var fee4 = UD.trade(4, order: 1, amount: "0.1")
        fee4.fee = UD.n("-0.02")
        #expect(state.applyTrade(fee4).isEmpty)
        #expect(state.recentTrades.last == fee4)
        // FIFO: a fifth trade forgets the oldest ID (1), not the others.
        _ = state.applyTrade(UD.trade(5, order: 1, amount: "0.1"))
        #expect(!state.hasTrade(id: 1))
        #expect([2, 3, 4, 5].allSatisfy { state.hasTrade(id: $0) })
        // Beyond the bound a late row counts as unseen again (documented limit).
        #expect(state.applyTrade(late) == [.trade(late)])
        // The ID bound never falls below the trade list's.
        #expect(AccountState(recentTradesCapacity: 10, seenTradeIDsCapacity: 3).seenTradeIDsCapacity == 10)
        #expect(AccountState().seenTradeIDsCapacity == 100_000)
    }

    @Test func fundingInfoIsStoredPerSymbol() {
        var state = AccountState()
        let usd = FundingInfo(symbol: "fUSD", yieldLoan: UD.n("0.0002"), yieldLend: UD.n("0.0001"),
                              durationLoan: UD.n("2"), durationLend: UD.n("3"))
        #expect(state.applyFundingInfo(usd) == [.fundingInfo(usd)])
        #expect(state.applyFundingInfo(usd).isEmpty)
        var newer = usd
        newer.yieldLend = UD.n("0.00015")
        #expect(state.applyFundingInfo(newer) == [.fundingInfo(newer)])
        _ = state.applyFundingInfo(FundingInfo(symbol: "fBTC"))
        #expect(state.fundingInfo["fUSD"] == newer)
        #expect(state.fundingInfo.keys.sorted() == ["fBTC", "fUSD"])
    }

    @Test func balanceMarginFunding() {
        var state = AccountState()
        _ = state.applyBalance(BalanceInfo(aum: UD.n("10"), aumNet: UD.n("9")))
        #expect(state.balance?.aum == UD.n("10"))
        let sym = MarginInfo.symbol("tBTCUSD", tradableBalance: UD.n("5"), grossBalance: nil, buy: nil, sell: nil)
        _ = state.applyMargin(sym)
        #expect(state.marginBySymbol["tBTCUSD"] == sym)
        let offer = FundingOffer(id: 9, symbol: "fUSD", amount: UD.n("100"))
        _ = state.applyFundingOfferSnapshot([offer])
        #expect(state.fundingOffers[9] == offer)
        _ = state.applyFundingOfferClose(offer)
        #expect(state.fundingOffers.isEmpty)
    }
}

@Suite struct AccountReconcilerTests {
    @Test func fillWhileOfflineIsReported() {
        var before = AccountState()
        _ = before.applyOrderSnapshot([UD.order(1, cid: 11, amount: "1"), UD.order(2, cid: 22, amount: "2"), UD.order(3, cid: 33)])
        _ = before.applyWalletSnapshot([UD.wallet("exchange", "USD", "1000"), UD.wallet("exchange", "BTC", "0")])
        _ = before.applyTrade(UD.trade(100, order: 7, amount: "0.5", mts: 500))

        var after = before
        _ = after.applyOrderSnapshot([UD.order(2, cid: 22, amount: "1.5"), UD.order(4, cid: 44)])
        _ = after.applyWalletSnapshot([UD.wallet("exchange", "USD", "850"), UD.wallet("exchange", "BTC", "1.5")])

        let rest = [
            UD.trade(100, order: 7, amount: "0.5", mts: 500),   // already seen live
            UD.trade(101, order: 1, amount: "1", mts: 2_000),   // order 1 filled
            UD.trade(102, order: 2, amount: "0.5", mts: 2_100), // order 2 partially
            UD.trade(102, order: 2, amount: "0.5", mts: 2_100), // duplicate row
            UD.trade(90, order: 8, amount: "1", mts: 10),       // too old
        ]
        let report = AccountReconciler.reconcile(previous: before, current: after, restTrades: rest,
                                                 tradesSinceMillis: 400, disconnectedAtMillis: 1_500, reconciledAtMillis: 3_000)
        #expect(report.trades.map(\.id) == [101, 102])
        #expect(report.closedOrders.map(\.lastKnown.id) == [1, 3])
        #expect(report.closedOrders.map(\.outcome) == [.filled, .cancelled])
        #expect(report.closedOrders.first?.filledAmount == Decimal(1))
        #expect(report.updatedOrders.count == 1)
        #expect(report.newOrders.map(\.id) == [4])
        #expect(report.wallets.map(\.key.currency) == ["BTC", "USD"])
        #expect(report.wallets.map(\.change) == [Decimal(string: "1.5"), Decimal(-150)])
        #expect(!report.isEmpty)
    }

    @Test func partialFillThenCancel() {
        var before = AccountState()
        _ = before.applyOrderSnapshot([UD.order(1, amount: "-2")])
        var after = before
        _ = after.applyOrderSnapshot([])
        let report = AccountReconciler.reconcile(previous: before, current: after,
                                                 restTrades: [UD.trade(5, order: 1, amount: "-0.5", mts: 10)],
                                                 tradesSinceMillis: 0, disconnectedAtMillis: 0, reconciledAtMillis: 1)
        #expect(report.closedOrders.first?.outcome == .partiallyFilledThenClosed)
        #expect(report.closedOrders.first?.filledAmount == Decimal(string: "-0.5"))
    }

    @Test func nothingChanged() {
        var state = AccountState()
        _ = state.applyOrderSnapshot([UD.order(1)])
        let report = AccountReconciler.reconcile(previous: state, current: state, restTrades: [],
                                                 tradesSinceMillis: 0, disconnectedAtMillis: 0, reconciledAtMillis: 1)
        #expect(report.isEmpty)
    }
}
