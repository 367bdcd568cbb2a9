import BfxNonce
import BfxProtocol
import BfxSimulator
import Foundation
import Synchronization
import Testing
@testable import BfxClient

/// Every channel-0 event type of issue #7 is decoded and applied to `AccountState` where it is
/// state: from the simulator's own traffic where it produces the type, and from frames built
/// with the protocol encoders (pushed through the client) for the funding types it does not
/// emit (`fou`, `fcn`/`fcu`/`fcc`, `fln`/`flu`/`flc`).
@Suite(.serialized, .timeLimit(.minutes(1))) struct AccountEventCoverageTests {
    /// Collects a client's account changes (consumer task → test).
    final class ChangeLog: Sendable {
        let changes = Mutex<[AccountChange]>([])
        var all: [AccountChange] { changes.withLock { $0 } }
        func trades(id: Int64) -> Int {
            all.filter { if case let .trade(trade) = $0 { trade.id == id } else { false } }.count
        }
    }

    static func kind(_ event: UserDataEvent) -> String? {
        guard case let .message(message) = event else { return nil }
        switch message {
        case .orderSnapshot: return "os"
        case .orderNew: return "on"
        case .orderUpdate: return "ou"
        case .orderCancel: return "oc"
        case .positionSnapshot: return "ps"
        case .positionNew: return "pn"
        case .positionUpdate: return "pu"
        case .positionClose: return "pc"
        case .walletSnapshot: return "ws"
        case .walletUpdate: return "wu"
        case .balanceUpdate: return "bu"
        case .marginInfo: return "miu"
        case .fundingInfo: return "fiu"
        case .tradeExecuted: return "te"
        case .tradeUpdate: return "tu"
        case .fundingOfferSnapshot: return "fos"
        case .fundingOfferNew: return "fon"
        case .fundingOfferUpdate: return "fou"
        case .fundingOfferCancel: return "foc"
        case .fundingCreditSnapshot: return "fcs"
        case .fundingLoanSnapshot: return "fls"
        case .notification: return "n"
        default: return "other"
        }
    }

    @Test func simulatorTrafficIsAppliedAndEachFillIsReportedOnce() async throws {
        let s = try await UserDataSimulatorTests.Setup.make()
        defer { Task { await s.shutdown() } }
        let log = ChangeLog()
        let changes = await s.client.accountChanges()
        let consumer = Task { for await change in changes { log.changes.withLock { $0.append(change) } } }
        defer { consumer.cancel() }
        try await s.client.start()
        // `start()` returns once the expected os/ps/ws are in; the funding snapshots and `bu` follow.
        for kind in ["fos", "fcs", "fls", "bu"] { try await s.recorder.wait { Self.kind($0) == kind } }
        var state = await s.client.accountState
        #expect(state.receivedSnapshots == [.orders, .positions, .wallets, .fundingOffers, .fundingCredits, .fundingLoans])
        #expect(await s.client.accountState.balance != nil)

        // on → ou → (Bob fills it) te, wu, tu, bu, oc.
        let price = try #require(await s.insidePrice(), "no room inside the spread")
        let order = try await s.client.submit(UserDataSimulatorTests.order(701, amount: "0.01", price: price))
        _ = try await s.client.update(OrderUpdate(id: order.id, amount: UD.n("0.02")))
        #expect(await s.client.accountState.orders[order.id]?.amount?.decimal == Decimal(string: "0.02"))
        let fill = try await s.bobREST.submitOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: "-0.02", price: "\(price)")
        #expect(fill.isSuccess)
        try await s.recorder.wait { Self.kind($0) == "tu" }
        try await s.recorder.wait { Self.kind($0) == "oc" }
        state = await s.client.accountState
        #expect(state.orders[order.id] == nil)
        let fills = state.recentTrades.filter { $0.orderId == order.id }
        #expect(!fills.isEmpty)
        #expect(fills.allSatisfy { $0.fee != nil })  // the `tu` completed each fill with its fee
        try await s.recorder.wait { _ in fills.allSatisfy { log.trades(id: $0.id) >= 1 } }
        for trade in fills { #expect(log.trades(id: trade.id) == 1, "fill \(trade.id) reported \(log.trades(id: trade.id)) times") }

        // Margin: a LIMIT (margin) buy filled by Bob opens a position (pn); calc answers pu,
        // miu (base and symbol), fiu, bu and wu.
        let marginPrice = try #require(await s.insidePrice(), "no room inside the spread")
        _ = try await s.client.submit(NewOrder(type: "LIMIT", symbol: "tBTCUSD", amount: UD.n("0.01"),
                                               price: WireNumber("\(marginPrice)"), cid: 702))
        _ = try await s.bobREST.submitOrder(type: "LIMIT", symbol: "tBTCUSD", amount: "-0.01", price: "\(marginPrice)")
        try await s.recorder.wait { Self.kind($0) == "pn" }
        #expect(await s.client.accountState.positions["tBTCUSD"] != nil)
        try await s.client.calc(["position_tBTCUSD", "margin_base", "margin_sym_tBTCUSD", "funding_sym_fUSD", "balance",
                                 "wallet_exchange_USD"])
        try await s.recorder.wait { Self.kind($0) == "fiu" }
        try await s.recorder.wait { Self.kind($0) == "pu" }
        state = await s.client.accountState
        #expect(state.marginBase != nil)
        #expect(state.marginBySymbol["tBTCUSD"] != nil)
        #expect(state.fundingInfo["fUSD"] != nil)
        #expect(log.all.contains { if case .fundingInfo = $0 { true } else { false } })
        #expect(state.positions["tBTCUSD"] != nil)

        // Funding offers: fon (stored) → foc (removed).
        let offer = try await s.client.submitFundingOffer(NewFundingOffer(symbol: "fUSD", amount: UD.n("100"), rate: UD.n("0.0002"), period: 2))
        #expect(await s.client.accountState.fundingOffers[offer.id] != nil)
        _ = try await s.client.cancelFundingOffer(id: offer.id)
        #expect(await s.client.accountState.fundingOffers[offer.id] == nil)

        let seen = Set(s.recorder.events.compactMap(Self.kind))
        let expected: Set<String> = ["os", "on", "ou", "oc", "ps", "pn", "pu", "ws", "wu", "bu", "miu", "fiu", "te", "tu",
                                     "fos", "fon", "foc", "fcs", "fls", "n"]
        #expect(expected.subtracting(seen).isEmpty, "not seen: \(expected.subtracting(seen).sorted())")
        // The client's wallets equal the simulator's after all of it.
        let serverWallets = try await s.rest.wallets()
        for wallet in serverWallets {
            #expect(state.wallet(type: wallet.walletType, currency: wallet.currency)?.balance.decimal == wallet.balance.decimal)
        }
        await s.shutdown()
    }

    @Test func fundingAndPositionDeltasTheSimulatorDoesNotEmitAreApplied() async throws {
        let h = await UserDataHarness()
        try await h.client.start()
        func push(_ type: String, _ row: JSONValue) { h.server.transport.push(FakeAccountServer.frame(type, row)) }
        func state() async -> AccountState { await h.client.accountState }

        let offer = FundingOffer(id: 41, symbol: "fUSD", amount: UD.n("100"), amountOrig: UD.n("100"))
        push("fon", offer.row)
        try await h.until("fon") { await state().fundingOffers[41] != nil }
        var changed = offer
        changed.amount = UD.n("60")
        push("fou", changed.row)
        try await h.until("fou") { await state().fundingOffers[41]?.amount == UD.n("60") }

        let credit = FundingCredit(id: 51, symbol: "fUSD", amount: UD.n("10"), status: "ACTIVE")
        push("fcn", credit.row)
        try await h.until("fcn") { await state().fundingCredits[51] != nil }
        var creditUpdate = credit
        creditUpdate.amount = UD.n("12")
        push("fcu", creditUpdate.row)
        try await h.until("fcu") { await state().fundingCredits[51]?.amount == UD.n("12") }
        push("fcc", creditUpdate.row)
        try await h.until("fcc") { await state().fundingCredits[51] == nil }

        let loan = FundingLoan(id: 61, symbol: "fBTC", amount: UD.n("1"), status: "ACTIVE")
        push("fln", loan.row)
        try await h.until("fln") { await state().fundingLoans[61] != nil }
        var loanUpdate = loan
        loanUpdate.amount = UD.n("0.5")
        push("flu", loanUpdate.row)
        try await h.until("flu") { await state().fundingLoans[61]?.amount == UD.n("0.5") }
        push("flc", loanUpdate.row)
        try await h.until("flc") { await state().fundingLoans[61] == nil }
        push("foc", changed.row)
        try await h.until("foc") { await state().fundingOffers.isEmpty }

        let position = Position(symbol: "tETHUSD", status: "ACTIVE", amount: UD.n("2"), basePrice: UD.n("1500"))
        push("pn", position.row)
        try await h.until("pn") { await state().positions["tETHUSD"] != nil }
        var closed = position
        closed.status = "CLOSED"
        push("pc", closed.row)
        try await h.until("pc") { await state().positions.isEmpty }

        push("fiu", .array(["sym", "fUSD", .array([.number(UD.n("0.0003")), .number(UD.n("0.0002")), 2, 3])]))
        try await h.until("fiu") { await state().fundingInfo["fUSD"]?.yieldLoan == UD.n("0.0003") }
        push("miu", .array(["base", .array([1, 2, 3, 4, 5])]))
        try await h.until("miu") { await state().marginBase != nil }
        await h.client.stop()
    }
}
