import BfxNonce
import BfxProtocol
import Foundation
import Testing
@testable import BfxClient
import BfxTestSupport

/// `multi`, `cancelMulti` and `calc` issued while disconnected are held like single inputs:
/// bounded, expiring with an explicit event, written exactly once after re-auth in original order.
@Suite(.serialized, .timeLimit(.minutes(1))) struct BatchBufferingTests {
    static func isExpired(_ event: UserDataEvent) -> Bool {
        if case .bufferedInputExpired = event { return true }
        return false
    }

    @Test func batchesSentDuringOutageReachTheSimulatorLedgerOnceInOrder() async throws {
        let s = try await UserDataSimulatorTests.Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let price = try #require(await s.insidePrice(), "no room inside the spread")
        let keep = try await s.client.submit(UserDataSimulatorTests.order(801, amount: "0.01", price: price - 30))
        let drop = try await s.client.submit(UserDataSimulatorTests.order(802, amount: "0.01", price: price - 31))

        s.gate.close()
        await s.simulator.inject(.dropAll)
        try await s.recorder.wait { $0.isDisconnected }
        // Issued in this order while offline; each must be buffered before the next is issued.
        let multi = Task {
            try await s.client.multi([.new(UserDataSimulatorTests.order(803, amount: "0.01", price: price - 32)),
                                      .new(UserDataSimulatorTests.order(804, amount: "0.01", price: price - 33))])
        }
        try await Self.untilBuffered(s.client, 1)
        let cancels = Task { try await s.client.cancelMulti(.ids([drop.id])) }
        try await Self.untilBuffered(s.client, 2)
        let calc = Task { try await s.client.calc(["balance"]) }
        try await Self.untilBuffered(s.client, 3)
        let single = Task { try await s.client.submit(UserDataSimulatorTests.order(805, amount: "0.01", price: price - 34)) }
        try await Self.untilBuffered(s.client, 4)
        let framesBefore = await s.client.status.framesSent
        s.gate.open()

        let placed = try await multi.value.map { try $0.get() }
        #expect(placed.map(\.cid) == [803, 804])
        let cancelled = try await cancels.value.map { try $0.get() }
        #expect(cancelled.map(\.id) == [drop.id])
        try await calc.value
        let last = try await single.value
        try await s.recorder.wait { if case .outageBufferFlushed(4, 0, 0) = $0 { true } else { false } }

        // The simulator's ledger: each new order exactly once, the cancelled one gone, and the
        // order IDs it assigned follow the original issue order (multi before the later submit).
        let orders = try await s.rest.orders()
        for cid: Int64 in [801, 803, 804, 805] { #expect(orders.filter { $0.cid == cid }.count == 1, "cid \(cid)") }
        #expect(!orders.contains { $0.id == drop.id })
        #expect(orders.contains { $0.id == keep.id })
        #expect(placed[0].id < placed[1].id && placed[1].id < last.id)
        // auth + one frame per buffered input (the batch written once, not once per order).
        #expect(await s.client.status.framesSent - framesBefore == 1 + 4)
        #expect(await s.client.status.bufferedInputs == 0)
        await s.shutdown()
    }

    @Test func expiredBatchesFailWithAnEventAndAreNeverSent() async throws {
        let h = await UserDataHarness {
            $0.outageBufferMaxAge = .seconds(10)
            $0.reconnect = ReconnectPolicy(initialDelay: .seconds(60), multiplier: 1, maxDelay: .seconds(60), jitter: .none)
        }
        try await h.client.start()
        let open = try await h.client.submit(UserDataClientTests.limit(41))
        h.server.dropConnection()
        try await h.recorder.wait { $0.isReconnecting }
        let inputsBefore = h.server.inputs.count
        let multi = Task { try await h.client.multi([.new(UserDataClientTests.limit(42)), .new(UserDataClientTests.limit(43))]) }
        try await h.until("multi buffered") { await h.client.status.bufferedInputs == 1 }
        let cancels = Task { try await h.client.cancelMulti(.ids([open.id])) }
        try await h.until("cancelMulti buffered") { await h.client.status.bufferedInputs == 2 }
        let calc = Task { try await h.client.calc(["balance"]) }
        try await h.until("calc buffered") { await h.client.status.bufferedInputs == 3 }
        try await h.until("expiry timers") { h.clock.sleeperCount >= 4 }
        h.clock.advance(by: .seconds(11))

        let multiResults = try await multi.value
        #expect(multiResults.count == 2)
        for result in multiResults {
            #expect(throws: UserDataError.expiredInOutageBuffer(request: .submit)) { _ = try result.get() }
        }
        let cancelResults = try await cancels.value
        #expect(throws: UserDataError.expiredInOutageBuffer(request: .cancel)) { _ = try cancelResults.first?.get() }
        await #expect(throws: UserDataError.expiredInOutageBuffer(request: .calc)) { try await calc.value }
        try await h.recorder.wait(count: 3, Self.isExpired)
        let expired = h.recorder.events.compactMap { event -> String? in
            if case let .bufferedInputExpired(request, count) = event { return "\(request.rawValue):\(count)" }
            return nil
        }
        #expect(expired == ["on:2", "oc:1", "calc:0"])
        #expect(await h.client.status.bufferedInputs == 0)
        #expect(await h.client.status.pendingRequests == 0)

        h.clock.advance(by: .seconds(60))
        try await h.recorder.wait { $0.isReconnectReady }
        #expect(h.server.inputs.count == inputsBefore)  // nothing expired was sent
        #expect(h.server.orders[open.id] != nil)
        await h.client.stop()
    }

    @Test func batchesRespectTheBufferCapacity() async throws {
        let h = await UserDataHarness { $0.outageBufferCapacity = 1 }
        try await h.client.start()
        h.server.dropConnection()
        try await h.recorder.wait { $0.isReconnecting }
        let first = Task { try await h.client.calc(["balance"]) }
        try await h.until("buffered") { await h.client.status.bufferedInputs == 1 }
        await #expect(throws: UserDataError.outageBufferFull(capacity: 1)) {
            _ = try await h.client.multi([.new(UserDataClientTests.limit(51))])
        }
        #expect(await h.client.status.pendingRequests == 0)  // the refused batch left nothing behind
        h.clock.advance(by: .seconds(1))
        try await first.value
        try await h.until("calc written") { h.server.inputs.contains { $0.contains(#""calc""#) } }
        await h.client.stop()
    }

    static func untilBuffered(_ client: UserDataClient, _ count: Int) async throws {
        let start = ContinuousClock.now
        var polls = 0
        // Bounded poll on a real condition (the input task runs concurrently).
        while await client.status.bufferedInputs < count {
            polls += 1
            if ContinuousClock.now - start > .seconds(10) || polls > 1_000_000 {
                throw EventRecorder.WaitTimeout(description: "\(count) buffered inputs")
            }
            await Task.yield()
        }
    }
}
