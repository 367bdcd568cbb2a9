import NIOCore
import Testing
@testable import BfxClient

/// The supervisor arms one timer per deadline on the injected clock, for exactly its due time
/// (no polling tick): driven here with a ``ManualClock`` on a thread-safe `NIOAsyncTestingChannel`,
/// no sockets, no sleeping.
@Suite struct ConnectionSupervisorDeadlineTests {
    @Test func handshakeTimeoutFiresExactlyAtItsDeadline() async throws {
        let h = try await AsyncSupervisorHarness(connectTimeout: .seconds(5))
        #expect(try await h.nextSent() == #"{"event":"conf","flags":196608}"#)
        // One timer, armed for the handshake deadline itself (not a heartbeat/4 polling tick).
        #expect(await h.timerArmed(at: .seconds(5)))
        h.clock.advance(by: .seconds(5) - .milliseconds(1))
        // Nothing is due yet: the timer still sleeps, the socket is open.
        #expect(h.clock.sleeperCount == 1)
        #expect(h.channel.isActive)
        h.clock.advance(by: .milliseconds(1))
        #expect(await h.closed())
        #expect(h.elapsed == .seconds(5))
        #expect(try await h.closeReason() == .handshakeTimeout)
    }

    @Test func heartbeatTimeoutFiresExactlyAtItsDeadlineAfterTheHandshake() async throws {
        let h = try await AsyncSupervisorHarness(connectTimeout: .seconds(5), heartbeatTimeout: .seconds(3), pingInterval: .seconds(10))
        #expect(await h.timerArmed(at: .seconds(5)))
        h.clock.advance(by: .seconds(1))
        try await h.channel.writeInbound(ByteBuffer(string: #"{"event":"conf","status":"OK","flags":196608}"#))
        #expect(try await h.channel.testingEventLoop.submit { h.supervisor.state }.get() == .open)
        // Open: the watchdog (last frame at 1 s + 3 s) comes before the old handshake timer; re-armed.
        #expect(await h.timerArmed(at: .seconds(4)))
        h.clock.advance(by: .seconds(3) - .milliseconds(1))
        #expect(h.channel.isActive)
        h.clock.advance(by: .milliseconds(1))
        #expect(await h.closed())
        #expect(try await h.closeReason() == .stalled)
    }

    @Test func pingsGoOutOnScheduleAndKeepTheTimerArmed() async throws {
        let h = try await AsyncSupervisorHarness(connectTimeout: .seconds(5), heartbeatTimeout: .seconds(20), pingInterval: .seconds(2))
        #expect(try await h.nextSent() == #"{"event":"conf","flags":196608}"#)
        try await h.channel.writeInbound(ByteBuffer(string: #"{"event":"conf","status":"OK","flags":196608}"#))
        #expect(await h.timerArmed(at: .seconds(2)))
        h.clock.advance(by: .seconds(2))
        // Fired, pinged, and re-armed for the next ping.
        #expect(await h.timerArmed(at: .seconds(4)))
        #expect(try await h.nextSent() == #"{"event":"ping","cid":1}"#)
        #expect(h.channel.isActive)
        try await h.supervisor.stop(reason: .shutdown, finishSubscriptions: true).get()
        #expect(await AsyncSupervisorHarness.settle { h.clock.sleeperCount == 0 })
    }
}
