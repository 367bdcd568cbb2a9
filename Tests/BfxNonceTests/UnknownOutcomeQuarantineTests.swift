import Testing
@testable import BfxNonce
import BfxTestSupport

/// A transport failure after which the request may still reach the server (a timeout).
private struct LateDeliveryError: SignedCallFailureClassifiable {
    var signedCallFailure: SignedCallFailure { .retryable }
    var requestMayStillArrive: Bool { true }
}

/// After a signed call of unknown outcome the key's lane stays held for
/// `unknownOutcomeQuarantine`, so no newer nonce can overtake a late request (ADR 0029).
@Suite struct UnknownOutcomeQuarantineTests {
    let start: Int64 = 1_700_000_000_000_000

    @Test func theNextCallWaitsOutTheQuarantineAfterAnUnknownOutcome() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(configuration: NonceManagerConfiguration(unknownOutcomeQuarantine: .seconds(5)), clock: clock)
        let order = Recorder<(String, Int64)>()
        let timedOut = Task {
            try await manager.perform(key: "k", label: "timed-out") { nonce in
                order.append(("timed-out", nonce))
                throw LateDeliveryError()
            }
        }
        try await waitFor("the failed call in quarantine") { clock.sleeperCount == 1 }
        let next = Task { try await manager.perform(key: "k", label: "next") { nonce in order.append(("next", nonce)) } }
        try await waitFor("the next call queued") { await queued(manager, "k") == 1 }
        #expect(await counters(manager, "k").quarantined == 1)
        #expect(clock.nextDeadline != nil)
        clock.advance(by: .milliseconds(4_999))
        // Still held: the lane is busy, the next call queued, nothing issued after the failed one.
        #expect(await queued(manager, "k") == 1)
        #expect(order.all.map(\.0) == ["timed-out"])
        #expect(await manager.snapshot().keys.first?.inFlight == true)
        clock.advance(by: .milliseconds(1))
        await #expect(throws: LateDeliveryError.self) { try await timedOut.value }
        try await next.value
        let all = order.all
        #expect(all.map(\.0) == ["timed-out", "next"])
        #expect(all[1].1 > all[0].1)
        #expect(clock.monotonicNanos() >= 5_000_000_000)
    }

    @Test func anAnsweredFailureIsNotQuarantined() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(configuration: NonceManagerConfiguration(unknownOutcomeQuarantine: .seconds(5)), clock: clock)
        await #expect(throws: FakeServerError.self) {
            try await manager.perform(key: "k", label: "answered") { _ in throw FakeServerError(signedCallFailure: .retryable) }
        }
        // The server answered: the next call goes at once, the clock never advanced.
        let n = try await manager.nextNonce(for: "k")
        #expect(n == start + 1)
        #expect(await counters(manager, "k").quarantined == 0)
        #expect(clock.sleeperCount == 0)
    }

    @Test func noQuarantineByDefault() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(clock: clock)
        await #expect(throws: LateDeliveryError.self) {
            try await manager.perform(key: "k", label: "timed-out") { _ in throw LateDeliveryError() }
        }
        #expect(try await manager.nextNonce(for: "k") == start + 1)
        #expect(await counters(manager, "k").quarantined == 0)
    }

    @Test func cancellingTheHolderEndsTheQuarantineAndPassesTheLaneOn() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(configuration: NonceManagerConfiguration(unknownOutcomeQuarantine: .seconds(60)), clock: clock)
        let timedOut = Task {
            try await manager.perform(key: "k", label: "timed-out") { _ in throw LateDeliveryError() }
        }
        try await waitFor("the failed call in quarantine") { clock.sleeperCount == 1 }
        timedOut.cancel()
        await #expect(throws: LateDeliveryError.self) { try await timedOut.value }
        #expect(try await manager.nextNonce(for: "k") == start + 1)
    }
}
