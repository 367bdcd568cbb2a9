import BfxProtocol
import BfxTestSupport
import Logging
import NIOCore
import NIOEmbedded
@testable import BfxClient

/// A ``ConnectionSupervisor`` on a thread-safe `NIOAsyncTestingChannel` with a ``ManualClock``:
/// its timers (deadlines, retries) run for real on the manual clock, so tests can prove what
/// fires when, without sockets and without sleeping.
struct AsyncSupervisorHarness {
    let channel: NIOAsyncTestingChannel
    let supervisor: ConnectionSupervisor
    let clock: ManualClock
    /// The clock reading when the socket was adopted (the manual clock does not start at zero).
    let origin: Duration

    /// Adopts a connected testing channel as the supervisor's socket (its `conf` is written at once).
    init(
        connectTimeout: Duration = .seconds(10), heartbeatTimeout: Duration = .seconds(20), pingInterval: Duration = .seconds(10),
        subscribeRetry: ReconnectPolicy = BfxClientConfiguration.defaultSubscribeRetry
    ) async throws {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        let clock = ManualClock()
        let origin = clock.now()
        var configuration = BfxClientConfiguration(publicURL: "ws://127.0.0.1:1/ws/2")
        configuration.connectTimeout = connectTimeout
        configuration.heartbeatTimeout = heartbeatTimeout
        configuration.pingInterval = pingInterval
        configuration.subscribeRetry = subscribeRetry
        let (_, continuation) = AsyncStream.makeStream(of: ClientEvent.self)
        let (supervisor, _) = try ConnectionSupervisor.forTesting(
            configuration: configuration, clock: clock, eventLoop: channel.testingEventLoop, timerMode: .clock, events: continuation
        )
        try await channel.testingEventLoop.submit {
            let generation = supervisor.adoptForTesting(channel)
            try channel.pipeline.syncOperations.addHandler(BfxFrameDecoderHandler())
            try channel.pipeline.syncOperations.addHandler(ConnectionRouterHandler(supervisor: supervisor, generation: generation))
        }.get()
        self.channel = channel
        self.supervisor = supervisor
        self.clock = clock
        self.origin = origin
    }

    /// Virtual time elapsed since the socket was adopted.
    var elapsed: Duration { clock.now() - origin }

    /// Waits until exactly one timer sleeps on the clock, due `due` after the adoption (bounded;
    /// yields, no sleep).
    func timerArmed(at due: Duration) async -> Bool {
        await Self.settle { clock.sleeperCount == 1 && clock.nextDeadline == origin + due }
    }

    /// Waits until the socket is closed by the supervisor (bounded; yields, no sleep).
    func closed() async -> Bool {
        await Self.settle { !channel.isActive }
    }

    /// Runs the close bookkeeping on the loop and returns why the socket was closed.
    func closeReason() async throws -> CloseReason {
        try await channel.testingEventLoop.submit { supervisor.detachForTesting() }.get()
    }

    /// Feeds one inbound text frame through the decoder and router.
    func receive(_ text: String) async throws {
        try await channel.writeInbound(ByteBuffer(string: text))
    }

    /// Assigns `core` to the supervisor and waits until the loop has taken it.
    func add(_ core: SubscriptionCore) async throws {
        let before = try await channel.testingEventLoop.submit { supervisor.memberCount }.get()
        supervisor.add(core)
        for _ in 0..<10_000 {
            if try await channel.testingEventLoop.submit({ supervisor.memberCount }).get() > before { return }
            await Task.yield()
        }
    }

    /// The next outbound text frame, waiting for it (timers write from their own tasks); `nil`
    /// when nothing was written (bounded; yields, no sleep).
    func nextSent() async throws -> String? {
        for _ in 0..<100_000 {
            if let buffer = try await channel.readOutbound(as: ByteBuffer.self) { return String(buffer: buffer) }
            await Task.yield()
        }
        return nil
    }

    /// Polls `condition`, yielding between polls (bounded in count; no sleeping).
    static func settle(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<200_000 {
            if condition() { return true }
            await Task.yield()
        }
        return condition()
    }
}
