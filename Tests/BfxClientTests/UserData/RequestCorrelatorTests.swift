import Testing
@testable import BfxClient

@Suite struct RequestCorrelatorTests {
    typealias Correlator = RequestCorrelator<String>

    func ack(_ kind: UserDataRequestKind, id: Int64? = nil, cid: Int64? = nil, symbol: String? = nil,
             status: String = "SUCCESS", code: Int? = nil, text: String = "ok") -> Correlator.Acknowledgement {
        .init(request: kind, objectID: id, cid: cid, symbol: symbol, status: status, code: code, text: text)
    }

    @Test func submitResolvesOnOrderNewByCID() throws {
        var c = Correlator()
        let token = c.register(.submit, key: .cid(42), deadline: .seconds(10))
        let r1 = c.acknowledge(ack(.submit, id: 1001, cid: 42))
        #expect(r1.isEmpty)
        let r2 = c.observe(.orderNew, id: 1001, cid: 41, value: "other")
        #expect(r2.isEmpty)
        let resolved = c.observe(.orderNew, id: 1001, cid: 42, value: "order")
        #expect(resolved.count == 1)
        #expect(resolved.first?.token == token)
        #expect(try resolved.first?.result.get() == "order")
        #expect(c.count == 0)
    }

    @Test func submitResolvesOnImmediateClose() throws {
        var c = Correlator()
        _ = c.register(.submit, key: .cid(7), deadline: .seconds(10))
        _ = c.acknowledge(ack(.submit, id: 5, cid: 7))
        let resolved = c.observe(.orderClose, id: 5, cid: 7, value: "executed")
        #expect(try resolved.first?.result.get() == "executed")
    }

    @Test func submitFailureCarriesServerText() {
        var c = Correlator()
        _ = c.register(.submit, key: .cid(9), deadline: .seconds(10))
        let resolved = c.acknowledge(ack(.submit, cid: 9, status: "ERROR", code: 10001, text: "Invalid order: not enough balance"))
        #expect(resolved.count == 1)
        guard case let .failure(error) = resolved.first?.result else {
            Issue.record("expected failure")
            return
        }
        #expect(error == .requestRejected(request: .submit, status: "ERROR", code: 10001,
                                          serverText: "Invalid order: not enough balance"))
    }

    @Test func updateNeedsAckBeforeOrderEvent() throws {
        var c = Correlator()
        _ = c.register(.update, key: .orderID(100), deadline: .seconds(10))
        // A fill-driven `ou` before our ack is not ours.
        let r3 = c.observe(.orderUpdate, id: 100, cid: 1, value: "fill")
        #expect(r3.isEmpty)
        let r4 = c.acknowledge(ack(.update, id: 100))
        #expect(r4.isEmpty)
        let resolved = c.observe(.orderUpdate, id: 100, cid: 1, value: "updated")
        #expect(try resolved.first?.result.get() == "updated")
    }

    @Test func updateFailure() {
        var c = Correlator()
        _ = c.register(.update, key: .orderID(100), deadline: .seconds(10))
        let resolved = c.acknowledge(ack(.update, id: 100, status: "ERROR", text: "Order not found."))
        #expect(resolved.count == 1)
        if case .success = resolved.first?.result { Issue.record("expected failure") }
    }

    @Test func cancelByIDAndByCID() throws {
        var c = Correlator()
        let byID = c.register(.cancel, key: .orderID(1), deadline: .seconds(10))
        let byCID = c.register(.cancel, key: .cid(22), deadline: .seconds(10))
        _ = c.acknowledge(ack(.cancel, id: 1))
        let first = c.observe(.orderClose, id: 1, cid: 11, value: "c1")
        #expect(first.map(\.token) == [byID])
        let second = c.observe(.orderClose, id: 2, cid: 22, value: "c2")
        #expect(second.map(\.token) == [byCID])
    }

    @Test func fifoForSameKey() {
        var c = Correlator()
        let first = c.register(.update, key: .orderID(5), deadline: .seconds(10))
        let second = c.register(.update, key: .orderID(5), deadline: .seconds(10))
        _ = c.acknowledge(ack(.update, id: 5))
        _ = c.acknowledge(ack(.update, id: 5))
        let r5 = c.observe(.orderUpdate, id: 5, cid: nil, value: "u1")
        #expect(r5.map(\.token) == [first])
        let r6 = c.observe(.orderUpdate, id: 5, cid: nil, value: "u2")
        #expect(r6.map(\.token) == [second])
    }

    @Test func timeoutsReportAckState() {
        var c = Correlator()
        _ = c.register(.submit, key: .cid(1), deadline: .seconds(5))
        _ = c.register(.submit, key: .cid(2), deadline: .seconds(5))
        _ = c.register(.submit, key: .cid(3), deadline: .seconds(50))
        let buffered = c.register(.submit, key: .cid(4), deadline: nil)
        _ = c.acknowledge(ack(.submit, id: 9, cid: 2))
        #expect(c.nextDeadline == .seconds(5))
        let r7 = c.expire(now: .seconds(4))
        #expect(r7.isEmpty)
        let expired = c.expire(now: .seconds(5))
        let errors = expired.compactMap { if case let .failure(e) = $0.result { e } else { nil } }
        #expect(errors == [.requestTimedOut(request: .submit, acknowledged: false),
                           .requestTimedOut(request: .submit, acknowledged: true)])
        let r8 = c.expire(now: .seconds(1000))
        #expect(r8.count == 1)
        #expect(c.pendingRequests.map(\.token) == [buffered])
    }

    @Test func bufferedRequestIgnoresAcksUntilArmed() {
        var c = Correlator()
        let token = c.register(.cancel, key: .orderID(3), deadline: nil)
        let r9 = c.acknowledge(ack(.cancel, id: 3, status: "ERROR"))
        #expect(r9.isEmpty)
        c.arm(token: token, deadline: .seconds(1))
        let r10 = c.acknowledge(ack(.cancel, id: 3, status: "ERROR"))
        #expect(r10.count == 1)
    }

    @Test func fundingOfferRekeysByOfferID() throws {
        var c = Correlator()
        let token = c.register(.fundingOffer, key: .fundingSymbol("fUSD"), deadline: .seconds(10))
        _ = c.acknowledge(ack(.fundingOffer, id: 555, symbol: "fUSD"))
        let r11 = c.observe(.offerNew, id: 554, cid: nil, value: "other")
        #expect(r11.isEmpty)
        let resolved = c.observe(.offerNew, id: 555, cid: nil, value: "offer")
        #expect(resolved.map(\.token) == [token])
        #expect(try resolved.first?.result.get() == "offer")
    }

    @Test func takeSentLeavesBuffered() {
        var c = Correlator()
        _ = c.register(.submit, key: .cid(1), deadline: .seconds(5))
        let buffered = c.register(.submit, key: .cid(2), deadline: nil)
        let r12 = c.takeSent()
        #expect(r12.count == 1)
        #expect(c.pendingRequests.map(\.token) == [buffered])
        #expect(c.isPending(.cid(2)))
    }
}
