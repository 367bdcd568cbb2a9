import BfxProtocol
import Foundation
import Testing
@testable import BfxClient
@testable import BfxGateway

/// What an upstream outage becomes for local sockets (ADR 0027): the reconciliation's offline
/// change report as the ordinary events Bitfinex would have sent, in Bitfinex's order for a fill.
@Suite struct OutageEventsTests {
    static func n(_ text: String) -> WireNumber { WireNumber(text) ?? WireNumber(0) }

    static func order(_ id: Int64, cid: Int64, amount: String, orig: String, status: String = "ACTIVE") -> Order {
        Order(id: id, cid: cid, symbol: "tBTCUSD", amount: n(amount), amountOrig: n(orig), orderType: "EXCHANGE LIMIT", status: status, price: n("100"))
    }

    static func trade(_ id: Int64, order: Int64, amount: String, price: String) -> AccountTrade {
        AccountTrade(id: id, symbol: "tBTCUSD", mtsCreate: 1_000, orderId: order, execAmount: n(amount), execPrice: n(price))
    }

    @Test func offlineChangesBecomeOrdinaryEventsWithFinalStatuses() throws {
        var report = OfflineChangeReport(disconnectedAtMillis: 1_000, reconciledAtMillis: 2_000)
        report.newOrders = [Self.order(5, cid: 50, amount: "1", orig: "1")]
        let fills = [Self.trade(77, order: 3, amount: "0.4", price: "100"), Self.trade(78, order: 3, amount: "0.6", price: "110")]
        let partial = Self.trade(79, order: 7, amount: "0.25", price: "100")
        report.trades = fills + [partial]
        report.updatedOrders = [.updated(previous: Self.order(6, cid: 60, amount: "1", orig: "1"),
                                         current: Self.order(6, cid: 60, amount: "0.5", orig: "1", status: "PARTIALLY FILLED @ 100(0.5)"))]
        report.closedOrders = [
            .init(lastKnown: Self.order(3, cid: 30, amount: "1", orig: "1"), outcome: .filled, filledAmount: 1, trades: fills),
            .init(lastKnown: Self.order(4, cid: 40, amount: "2", orig: "2"), outcome: .cancelled, filledAmount: 0, trades: []),
            .init(lastKnown: Self.order(7, cid: 70, amount: "1", orig: "1"), outcome: .partiallyFilledThenClosed, filledAmount: 0.25, trades: [partial]),
        ]
        let usd = Wallet(walletType: "exchange", currency: "USD", balance: Self.n("894"))
        report.wallets = [.init(key: .init(type: "exchange", currency: "USD"), previous: nil, current: usd, change: -106)]
        report.positions = [.added(Position(symbol: "tETHUSD", status: "ACTIVE", amount: Self.n("2"))),
                            .removed(Position(symbol: "tXRPUSD", status: "CLOSED", amount: Self.n("0")))]

        let events = AccountFanout.events(for: report)
        #expect(events.map(\.wire.type) == ["on", "te", "te", "te", "ou", "oc", "oc", "oc", "wu", "pn", "pc"])
        let closed: [Order] = events.compactMap { if case .orderCancel(let order) = $0 { order } else { nil } }
        #expect(closed.map(\.status) == ["EXECUTED @ 106(1)", "CANCELED", "CANCELED was: PARTIALLY FILLED @ 100(0.25)"])
        #expect(closed.map { $0.amount?.decimal } == [0, 2, 0.75], "remaining amount: nothing, all, the unfilled part")
        #expect(closed[0].priceAvg?.decimal == 106, "average of the fills, weighted by size")
        #expect(closed[1].priceAvg == nil, "no fill, no average")
        // every event is a channel-0 packet a Bitfinex client parses (the outbox closes it, after
        // an optional sequence trailer)
        for event in events {
            let packet = try JSONValue.parse(AccountFanout.packet(event) + Array("]".utf8))
            #expect(packet[0]?.int == 0 && packet[1]?.string == event.wire.type && packet[2]?.array != nil)
        }
    }

    @Test func anEmptyReportSendsNothing() {
        #expect(AccountFanout.events(for: OfflineChangeReport(disconnectedAtMillis: 0, reconciledAtMillis: 1)).isEmpty)
    }
}
