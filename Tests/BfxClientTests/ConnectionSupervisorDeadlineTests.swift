import Logging
import NIOCore
import NIOEmbedded
import Testing
@testable import BfxClient

/// The supervisor arms one timer per deadline on the injected clock, for exactly its due time
/// (no polling tick): driven here with a ``ManualClock`` on a thread-safe `NIOAsyncTestingChannel`,
/// no sockets, no sleeping.
@Suite struct ConnectionSupervisorDeadlineTests {
    struct Harness {
        let channel: NIOAsyncTestingChannel
        let supervisor: ConnectionSupervisor
        let clock: ManualClock

        init(connectTimeout: Duration, heartbeatTimeout: Duration = .seconds(20), pingInterval: Duration = .seconds(10)) async throws {
            let channel = NIOAsyncTestingChannel()
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
            let clock = ManualClock()
            var configuration = BfxClientConfiguration(publicURL: "ws://127.0.0.1:1/ws/2")
            configuration.connectTimeout = connectTimeout
            configuration.heartbeatTimeout = heartbeatTimeout
            configuration.pingInterval = pingInterval
            let (_, continuation) = AsyncStream.makeStream(of: ClientEvent.self)
            let environment = ClientEnvironment(
                configuration: configuration, clock: ClientClock(clock), logger: Logger(label: "test"),
                metrics: ClientMetrics(label: "test"), eventContinuation: continuation
            )
            let supervisor = ConnectionSupervisor(
                id: 1, eventLoop: channel.testingEventLoop, url: try WebSocketURL(parsing: configuration.publicURL),
                environment: environment, limiter: environment.publicLimiter, timerMode: .clock
            )
            try await channel.testingEventLoop.submit {
                let generation = supervisor.adoptForTesting(channel)
                try channel.pipeline.syncOperations.addHandler(BfxFrameDecoderHandler())
                try channel.pipeline.syncOperations.addHandler(ConnectionRouterHandler(supervisor: supervisor, generation: generation))
            }.get()
            self.channel = channel
            self.supervisor = supervisor
            self.clock = clock
        }

        /// Waits until exactly one timer sleeps on the clock, due at `due` (bounded; yields, no sleep).
        func timerArmed(at due: Duration) async -> Bool {
            await Self.settle { clock.sleeperCount == 1 && clock.nextDeadline?.offset == due }
        }

        /// Waits until the socket is closed by the supervisor (bounded; yields, no sleep).
        func closed() async -> Bool {
            await Self.settle { !channel.isActive }
        }

        /// Runs the close bookkeeping on the loop and returns why the socket was closed.
        func closeReason() async throws -> CloseReason {
            try await channel.testingEventLoop.submit { supervisor.detachForTesting() }.get()
        }

        static func settle(_ condition: () -> Bool) async -> Bool {
            for _ in 0..<200_000 {
                if condition() { return true }
                await Task.yield()
            }
            return condition()
        }
    }

    @Test func handshakeTimeoutFiresExactlyAtItsDeadline() async throws {
        let h = try await Harness(connectTimeout: .seconds(5))
        let conf = try await h.channel.readOutbound(as: ByteBuffer.self)
        #expect(conf.map { String(buffer: $0) } == #"{"event":"conf","flags":196608}"#)
        // One timer, armed for the handshake deadline itself (not a heartbeat/4 polling tick).
        #expect(await h.timerArmed(at: .seconds(5)))
        h.clock.advance(by: .seconds(5) - .milliseconds(1))
        // Nothing is due yet: the timer still sleeps, the socket is open.
        #expect(h.clock.sleeperCount == 1)
        #expect(h.channel.isActive)
        h.clock.advance(by: .milliseconds(1))
        #expect(await h.closed())
        #expect(h.clock.now.offset == .seconds(5))
        #expect(try await h.closeReason() == .handshakeTimeout)
    }

    @Test func heartbeatTimeoutFiresExactlyAtItsDeadlineAfterTheHandshake() async throws {
        let h = try await Harness(connectTimeout: .seconds(5), heartbeatTimeout: .seconds(3), pingInterval: .seconds(10))
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
        let h = try await Harness(connectTimeout: .seconds(5), heartbeatTimeout: .seconds(20), pingInterval: .seconds(2))
        _ = try await h.channel.readOutbound(as: ByteBuffer.self)
        try await h.channel.writeInbound(ByteBuffer(string: #"{"event":"conf","status":"OK","flags":196608}"#))
        #expect(await h.timerArmed(at: .seconds(2)))
        h.clock.advance(by: .seconds(2))
        // Fired, pinged, and re-armed for the next ping.
        #expect(await h.timerArmed(at: .seconds(4)))
        let ping = try await h.channel.readOutbound(as: ByteBuffer.self)
        #expect(ping.map { String(buffer: $0) } == #"{"event":"ping","cid":1}"#)
        #expect(h.channel.isActive)
        try await h.supervisor.stop(reason: .shutdown, finishSubscriptions: true).get()
        #expect(await Harness.settle { h.clock.sleeperCount == 0 })
    }
}
