import BfxProtocol
/// The reconnect decisions of the user-data connection loop: after a failed connect or an ended
/// session, whether to stop for good, wait (and how long) or take the next socket of a
/// self-reconnecting transport; 20051 (server restart) reconnects at once without counting as a
/// failure, anything else follows the ``ReconnectPolicy`` backoff.
///
/// A value type driven with explicit monotonic times (`now`); the seeded jitter generator lives
/// inside, so a schedule is reproducible from ``UserDataConfiguration/jitterSeed``.
struct UserDataReconnectMachine: Sendable {
    /// How one session (one connection) ended.
    struct SessionEnd: Sendable, Equatable {
        /// Human-readable reason (for the `disconnected` event).
        var reason: String
        /// Set when the client must stop (authentication failed in a way retrying cannot fix).
        var fatal: UserDataError?
        /// The error to report if the policy later gives up.
        var error: UserDataError?
        /// Whether the session reached `ready` (resets the attempt counter).
        var wasReady: Bool

        /// The end of a session whose authentication threw `error`: a rejected auth is fatal
        /// (the nonce manager has already retried a `10114` once), anything else is retried.
        static func authenticationFailed(_ error: any Error) -> SessionEnd {
            guard let error = error as? UserDataError else {
                return SessionEnd(reason: "authentication aborted: \(error)", fatal: nil,
                                  error: .invalidRequest("\(error)"), wasReady: false)
            }
            if case .authenticationFailed = error {
                return SessionEnd(reason: "authentication failed: \(error)", fatal: error, error: error, wasReady: false)
            }
            return SessionEnd(reason: "\(error)", fatal: nil, error: error, wasReady: false)
        }
    }

    /// What the loop does next.
    enum Action: Equatable, Sendable {
        /// Emit `reconnecting(attempt:delay:)`, sleep `delay`, then connect again.
        case retry(attempt: Int, delay: Duration)
        /// The transport reconnects by itself: emit `reconnecting(attempt:delay: .zero)` and
        /// wait in `connect()` for its next socket.
        case awaitTransport(attempt: Int)
        /// The policy gave up: stop the client with `error`.
        case giveUp(reason: String, error: UserDataError)
        /// Stop the client with `error` now (fatal auth failure, or a self-reconnecting
        /// transport whose connection ended for good).
        case stop(UserDataError)
    }

    private let policy: ReconnectPolicy
    private let reconnectsItself: Bool
    private var backoff: ReconnectBackoff
    private var random: SplitMix64
    private var lastError: UserDataError?
    /// The attempt number reported in `connecting(attempt:)` (0: first connect or after a ready session).
    private(set) var attempt = 0

    /// A machine for `policy`; `reconnectsItself` is the transport's property of that name,
    /// `seed` the jitter seed (nil: random).
    init(policy: ReconnectPolicy, reconnectsItself: Bool, seed: UInt64?) {
        self.policy = policy
        self.reconnectsItself = reconnectsItself
        self.backoff = ReconnectBackoff(policy: policy)
        self.random = seed.map(SplitMix64.init(seed:)) ?? SplitMix64()
    }

    /// `connect()` threw at `now`. `immediate`: a 20051 is pending.
    mutating func connectFailed(_ error: any Error, immediate: Bool, now: Duration) -> Action {
        if reconnectsItself {
            // Such a transport only fails `connect()` once its connection ended for good (the
            // pool's policy gave up, the pool was shut down) or the task is cancelled.
            return .stop((error as? UserDataError) ?? .closed)
        }
        backoff.attemptFailed(at: now)
        lastError = .invalidRequest("connect failed: \(error)")
        return next(immediate: immediate, now: now)
    }

    /// A connection opened at `now`.
    mutating func connectionOpened(now: Duration) {
        backoff.connectionOpened(at: now)
    }

    /// The session on the connection ended at `now`. `serverRequestedReconnect`: 20051 arrived
    /// on it. Returns ``Action/stop(_:)`` for a fatal end, otherwise nil: the caller then asks
    /// ``next(immediate:now:)`` unless the client is stopping.
    mutating func sessionEnded(_ end: SessionEnd, serverRequestedReconnect: Bool, now: Duration) -> Action? {
        backoff.connectionClosed(at: now)
        if let fatal = end.fatal { return .stop(fatal) }
        if end.wasReady { attempt = 0 }
        if end.wasReady && serverRequestedReconnect {
            // A server restart is not our failure: a fresh schedule, so the first attempt is
            // immediate even if the previous outage was recent.
            backoff = ReconnectBackoff(policy: policy)
            backoff.connectionClosed(at: now)
        }
        lastError = end.error
        return nil
    }

    /// The decision for the next attempt at `now`; `immediate` skips the first delay (20051).
    mutating func next(immediate: Bool, now: Duration) -> Action {
        if reconnectsItself {
            attempt += 1
            return .awaitTransport(attempt: attempt)
        }
        switch backoff.next(at: now, immediate: immediate, using: &random) {
        case let .retry(after, next):
            attempt = next
            return .retry(attempt: next, delay: after)
        case let .giveUp(reason):
            return .giveUp(reason: reason, error: lastError ?? .notConnected)
        }
    }
}
