import Testing
@testable import BfxClient

/// Handshake timeout, heartbeat watchdog and ping schedule as pure values (time passed in).
@Suite struct DeadlinesTests {
    static func deadlines() -> Deadlines {
        Deadlines(connectTimeout: .seconds(5), heartbeatTimeout: .seconds(20), pingInterval: .seconds(10))
    }

    @Test func handshakeTimeoutFallsExactlyAtTheConnectTimeout() {
        var deadlines = Self.deadlines()
        deadlines.socketOpened(at: .seconds(100))
        #expect(deadlines.nextDue(in: .handshaking) == .seconds(105))
        #expect(deadlines.expire(at: .seconds(105) - .nanoseconds(1), in: .handshaking) == nil)
        #expect(deadlines.expire(at: .seconds(105), in: .handshaking) == .handshakeTimedOut(after: .seconds(5)))
        // Inbound frames do not extend the handshake budget.
        deadlines.inbound(at: .seconds(104))
        #expect(deadlines.nextDue(in: .handshaking) == .seconds(105))
    }

    @Test func heartbeatWatchdogFollowsTheLastInboundFrameAndPingsGoOutOnSchedule() {
        var deadlines = Self.deadlines()
        deadlines.socketOpened(at: .zero)
        deadlines.inbound(at: .seconds(3))
        // The ping (10 s after the open) comes before the watchdog (3 s + 20 s).
        #expect(deadlines.nextDue(in: .open) == .seconds(10))
        #expect(deadlines.expire(at: .seconds(10), in: .open) == .sendPing(cid: 1))
        #expect(deadlines.nextDue(in: .open) == .seconds(20))
        #expect(deadlines.expire(at: .seconds(20), in: .open) == .sendPing(cid: 2))
        #expect(deadlines.nextDue(in: .open) == .seconds(23))
        #expect(deadlines.expire(at: .seconds(23) - .nanoseconds(1), in: .open) == nil)
        #expect(deadlines.expire(at: .seconds(23), in: .open) == .stalled(silentFor: .seconds(20)))
    }

    @Test func silenceSinceTheOpenCountsWhenNothingArrived() {
        var deadlines = Deadlines(connectTimeout: .seconds(5), heartbeatTimeout: .seconds(8), pingInterval: .seconds(10))
        deadlines.socketOpened(at: .seconds(1))
        #expect(deadlines.nextDue(in: .maintenance) == .seconds(9))
        #expect(deadlines.expire(at: .seconds(9), in: .maintenance) == .stalled(silentFor: .seconds(8)))
    }

    @Test func noDeadlineAppliesWithoutASocket() {
        var deadlines = Self.deadlines()
        deadlines.socketOpened(at: .zero)
        for state in [ConnectionState.idle, .connecting, .waitingToReconnect, .failed, .closed] {
            #expect(deadlines.nextDue(in: state) == nil)
            #expect(deadlines.expire(at: .seconds(1000), in: state) == nil)
        }
    }

    @Test func aNewSocketRestartsEveryClock() {
        var deadlines = Self.deadlines()
        deadlines.socketOpened(at: .zero)
        deadlines.inbound(at: .seconds(2))
        _ = deadlines.expire(at: .seconds(10), in: .open)
        deadlines.socketOpened(at: .seconds(50))
        #expect(deadlines.lastInboundAt == nil)
        #expect(deadlines.nextDue(in: .handshaking) == .seconds(55))
        #expect(deadlines.nextDue(in: .open) == .seconds(60))
    }
}
