import BfxProtocol
import Testing
@testable import BfxClient

/// Outage-buffer decisions in virtual time: routing, hold and flush-once-in-order, expiry with
/// its event, capacity, maintenance, in-flight parking and stop.
@Suite struct OutageBufferMachineTests {
    static func tokens(_ round: OutageBufferMachine.FlushRound) -> [OutageBufferMachine.Input] {
        round.toSend.map(\.element)
    }

    @Test func routesDirectlyOnlyWhenUsableAndNothingOlderIsHeld() throws {
        var machine = OutageBufferMachine(capacity: 4, maxAge: .seconds(60))
        #expect(machine.route(linkUsable: true, bufferingEnabled: true) == .sendNow)
        #expect(machine.route(linkUsable: false, bufferingEnabled: true) == .hold)
        #expect(machine.route(linkUsable: false, bufferingEnabled: false) == .refuse)
        try machine.hold(request: 1, kind: .submit, dedupeCID: 100, now: .zero)
        // Link back, but an older input waits: the new one queues behind it.
        #expect(machine.route(linkUsable: true, bufferingEnabled: true) == .hold)
        _ = machine.nextFlushRound(now: .seconds(1), isKnown: { _ in false })
        let began = machine.beginFlush()
        let beganAgain = machine.beginFlush()
        #expect(began && !beganAgain)
        #expect(machine.route(linkUsable: true, bufferingEnabled: true) == .hold)
        machine.endFlush()
        #expect(machine.route(linkUsable: true, bufferingEnabled: true) == .sendNow)
    }

    @Test func inputsHeldDuringAnOutageAreFlushedOnceInOrder() throws {
        var machine = OutageBufferMachine(capacity: 8, maxAge: .seconds(60))
        try machine.hold(request: 1, kind: .submit, dedupeCID: 100, now: .seconds(1))
        let batch = try machine.hold(batch: .init(kind: .cancel, requests: [.init(token: 2, kind: .cancel), .init(token: 3, kind: .cancel)],
                                                  frame: "[0,\"oc_multi\"]", written: nil), now: .seconds(2))
        try machine.hold(request: 4, kind: .update, dedupeCID: nil, now: .seconds(3))
        #expect(machine.count == 3)
        let began = machine.beginFlush()
        #expect(began)
        let first = machine.nextFlushRound(now: .seconds(10), isKnown: { _ in false })
        let round = try #require(first)
        #expect(Self.tokens(round) == [.request(1, .submit), .batch(batch), .request(4, .update)])
        #expect(round.expired.isEmpty && round.alreadyKnown.isEmpty)
        #expect(machine.requests(of: .batch(batch)).map(\.token) == [2, 3])
        #expect(machine.batch(batch)?.frame == "[0,\"oc_multi\"]")
        let removed = machine.removeBatch(batch)
        #expect(removed?.requests.count == 2)
        // Sent once: nothing left for a second round or a second flush.
        let second = machine.nextFlushRound(now: .seconds(11), isKnown: { _ in false })
        #expect(second == nil)
        machine.endFlush()
        #expect(machine.isEmpty)
    }

    @Test func inputAlreadyExecutedByCIDIsResolvedNotResent() throws {
        var machine = OutageBufferMachine(capacity: 8, maxAge: .seconds(60))
        try machine.hold(request: 1, kind: .submit, dedupeCID: 100, now: .zero)
        try machine.hold(request: 2, kind: .submit, dedupeCID: 200, now: .zero)
        #expect(throws: UserDataError.duplicateCorrelationKey("cid:200")) {
            try machine.hold(request: 3, kind: .submit, dedupeCID: 200, now: .zero)
        }
        let drained = machine.nextFlushRound(now: .seconds(1), isKnown: { $0 == 100 })
        let round = try #require(drained)
        #expect(round.alreadyKnown.map(\.token) == [1])
        #expect(round.alreadyKnown.map(\.cid) == [100])
        #expect(Self.tokens(round) == [.request(2, .submit)])
    }

    @Test func unsentRestGoesBackInFrontInOrder() throws {
        var machine = OutageBufferMachine(capacity: 8, maxAge: .seconds(60))
        for token in UInt64(1)...3 { try machine.hold(request: token, kind: .update, dedupeCID: nil, now: .zero) }
        let drained = machine.nextFlushRound(now: .seconds(1), isKnown: { _ in false })
        let round = try #require(drained)
        // The link dropped after the first write; a new input arrived meanwhile.
        try machine.hold(request: 9, kind: .update, dedupeCID: nil, now: .seconds(2))
        machine.restoreUnsent(Array(round.toSend.dropFirst()))
        let again = machine.nextFlushRound(now: .seconds(3), isKnown: { _ in false })
        let next = try #require(again)
        #expect(Self.tokens(next) == [.request(2, .update), .request(3, .update), .request(9, .update)])
    }

    @Test func heldInputsExpireAfterTheirDeadlineWithTheEvent() throws {
        var machine = OutageBufferMachine(capacity: 8, maxAge: .seconds(30))
        #expect(machine.expiryCheckDelay == .seconds(30) + .milliseconds(1))
        try machine.hold(request: 1, kind: .submit, dedupeCID: 7, now: .zero)
        try machine.hold(batch: .init(kind: .submit, requests: [.init(token: 2, kind: .submit), .init(token: 3, kind: .cancel)],
                                      frame: "f", written: nil), now: .seconds(10))
        // Exactly at the deadline nothing expires yet.
        let early = machine.expire(now: .seconds(30))
        #expect(early.inputs.isEmpty)
        let first = machine.expire(now: .seconds(30) + .milliseconds(1))
        #expect(first.inputs.count == 1)
        #expect(first.inputs.first?.requests.map(\.token) == [1])
        guard case let .bufferedInputExpired(kind, count)? = first.inputs.first?.expiredEvent else {
            Issue.record("expected bufferedInputExpired")
            return
        }
        #expect(kind == .submit && count == 1)
        let second = machine.expire(now: .seconds(41))
        #expect(second.inputs.first?.requests.map(\.kind) == [.submit, .cancel])
        if case let .bufferedInputExpired(_, count)? = second.inputs.first?.expiredEvent {
            #expect(count == 2)
        } else {
            Issue.record("expected bufferedInputExpired")
        }
        #expect(machine.isEmpty)
    }

    @Test func expiredInputsAreNotSentByAFlush() throws {
        var machine = OutageBufferMachine(capacity: 8, maxAge: .seconds(30))
        try machine.hold(request: 1, kind: .submit, dedupeCID: nil, now: .zero)
        try machine.hold(request: 2, kind: .submit, dedupeCID: nil, now: .seconds(20))
        let drained = machine.nextFlushRound(now: .seconds(40), isKnown: { _ in false })
        let round = try #require(drained)
        #expect(round.expired.map { $0.requests.map(\.token) } == [[1]])
        #expect(Self.tokens(round) == [.request(2, .submit)])
    }

    @Test func capacityOverflowIsRefusedWithATypedError() throws {
        var machine = OutageBufferMachine(capacity: 2, maxAge: .seconds(60))
        try machine.hold(request: 1, kind: .submit, dedupeCID: nil, now: .zero)
        try machine.hold(batch: .init(kind: .calc, requests: [], frame: "calc", written: nil), now: .zero)
        #expect(throws: UserDataError.outageBufferFull(capacity: 2)) {
            try machine.hold(request: 3, kind: .submit, dedupeCID: nil, now: .zero)
        }
        #expect(throws: UserDataError.outageBufferFull(capacity: 2)) {
            try machine.hold(batch: .init(kind: .calc, requests: [], frame: "calc", written: nil), now: .zero)
        }
        #expect(machine.count == 2)
    }

    @Test func maintenanceHoldsInputsUntilItEnds() throws {
        var session = UserDataSessionMachineTests.ready()
        var machine = OutageBufferMachine(capacity: 8, maxAge: .seconds(60))
        _ = session.receive(info: InfoEvent(code: .maintenanceStart), transportReconnectsItself: false)
        // Connected, but in maintenance: the input is held.
        #expect(machine.route(linkUsable: session.acceptsInputs, bufferingEnabled: true) == .hold)
        try machine.hold(request: 1, kind: .submit, dedupeCID: nil, now: .zero)
        let actions = session.receive(info: InfoEvent(code: .maintenanceEnd), transportReconnectsItself: false)
        #expect(actions.contains(.flushOutage))
        #expect(session.acceptsInputs)
        let began = machine.beginFlush()
        #expect(began)
        let drained = machine.nextFlushRound(now: .seconds(1), isKnown: { _ in false })
        let round = try #require(drained)
        #expect(Self.tokens(round) == [.request(1, .submit)])
        machine.endFlush()
        #expect(machine.route(linkUsable: session.acceptsInputs, bufferingEnabled: true) == .sendNow)
    }

    @Test func writtenRequestsParkedAtDisconnectExpireOrAreTaken() {
        var machine = OutageBufferMachine(capacity: 8, maxAge: .seconds(30))
        let none = machine.parkInFlight([], now: .zero)
        let five = machine.parkInFlight([5], now: .zero)
        let six = machine.parkInFlight([6], now: .seconds(20))
        #expect(!none && five && six)
        let expiry = machine.expire(now: .seconds(31))
        #expect(expiry.inFlight == [5])
        #expect(machine.hasParkedInFlight)
        let taken = machine.takeInFlight()
        #expect(taken == [6])
        #expect(!machine.hasParkedInFlight)
    }

    @Test func stopReleasesEverythingHeldInOrder() throws {
        var machine = OutageBufferMachine(capacity: 8, maxAge: .seconds(1))
        try machine.hold(request: 1, kind: .submit, dedupeCID: 1, now: .zero)
        try machine.hold(batch: .init(kind: .cancel, requests: [.init(token: 2, kind: .cancel)], frame: "f", written: nil), now: .zero)
        try machine.hold(request: 3, kind: .update, dedupeCID: nil, now: .seconds(5))
        let released = machine.releaseAll(now: .seconds(5))
        #expect(released.map { $0.requests.map(\.token) } == [[1], [2], [3]])
        #expect(machine.isEmpty)
        #expect(machine.batch(2) == nil)
    }

    @Test func flushRoundsAreBounded() throws {
        var machine = OutageBufferMachine(capacity: 1, maxAge: .seconds(60))
        let began = machine.beginFlush()
        #expect(began)
        var rounds = 0
        for _ in 0..<10 {
            try machine.hold(request: UInt64(rounds + 1), kind: .update, dedupeCID: nil, now: .zero)
            guard machine.nextFlushRound(now: .zero, isKnown: { _ in false }) != nil else { break }
            rounds += 1
        }
        // capacity + 2 rounds at most (the check precedes the increment, as before the split).
        #expect(rounds == 3)
    }
}
