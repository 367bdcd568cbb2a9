import BfxProtocol
import Logging
import Synchronization

/// What every ``ConnectionSupervisor`` of one client shares: configuration, clock, logger, metrics, the
/// rate limiters, the jitter generator, counters and the client event sink.
final class ClientEnvironment: Sendable {
    let configuration: BfxClientConfiguration
    let clock: ClientClock
    let logger: Logger
    let metrics: ClientMetrics
    let publicLimiter: ConnectionRateLimiter
    let authenticatedLimiter: ConnectionRateLimiter
    let connector: WebSocketConnector
    private let eventContinuation: AsyncStream<ClientEvent>.Continuation
    // Mutex: one jitter generator shared by all supervisors so a seeded client is reproducible.
    private let random: Mutex<SplitMix64>
    // Mutex: integrity counters are bumped from every supervisor's event loop, read by snapshot().
    private let counters = Mutex(IntegrityCounters())

    init(
        configuration: BfxClientConfiguration,
        clock: ClientClock,
        logger: Logger,
        metrics: ClientMetrics,
        eventContinuation: AsyncStream<ClientEvent>.Continuation
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
        self.publicLimiter = ConnectionRateLimiter(limit: configuration.publicRateLimit, clock: clock)
        self.authenticatedLimiter = ConnectionRateLimiter(limit: configuration.authenticatedRateLimit, clock: clock)
        self.connector = WebSocketConnector(maxMessageSize: configuration.maxMessageSize, connectTimeout: configuration.connectTimeout, recorder: configuration.recorder)
        self.eventContinuation = eventContinuation
        self.random = Mutex(configuration.jitterSeed.map { SplitMix64(seed: $0) } ?? SplitMix64())
    }

    func emit(_ event: ClientEvent) {
        eventContinuation.yield(event)
    }

    func finishEvents() { eventContinuation.finish() }

    func count(_ update: (inout IntegrityCounters) -> Void) {
        counters.withLock { update(&$0) }
    }

    var integrityCounters: IntegrityCounters { counters.withLock { $0 } }

    /// Runs `body` with the shared jitter generator (the retry machines draw their jitter here).
    func withRandom<T: Sendable>(_ body: (inout SplitMix64) -> T) -> T {
        random.withLock { body(&$0) }
    }

    func nextDecision(_ backoff: inout ReconnectBackoff, immediate: Bool) -> ReconnectBackoff.Decision {
        let now = clock.now()
        return random.withLock { rng in backoff.next(at: now, immediate: immediate, using: &rng) }
    }
}
