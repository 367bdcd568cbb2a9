import BfxProtocol

/// The lifecycle decisions of the authenticated connection, one connection ("generation") at a
/// time: phase, authentication and re-authentication verdicts, server `info` codes, maintenance,
/// the auth watchdog and liveness.
///
/// A value type with no socket, clock or actor: the client feeds it events (connection opened,
/// auth answer, info, frame received at `now`, …) and performs the actions it returns. The nonce
/// itself comes from the nonce manager; on a `10114 nonce: small` answer the verdict is
/// ``AuthVerdict/retryWithFreshNonce(_:)`` and the actor throws that error out of
/// `NonceManager.perform`, which raises the key's floor and sends `auth` once more with a fresh
/// nonce; a second rejection, or any other failure, is ``AuthVerdict/stop(_:)``.
struct UserDataSessionMachine: Sendable {
    /// What to do with an `auth` answer.
    enum AuthVerdict: Equatable, Sendable {
        /// Authenticated: synchronisation starts.
        case authenticated(userID: Int64?, nonce: Int64)
        /// `10114` on the connection's first attempt: raise the nonce floor and retry.
        case retryWithFreshNonce(UserDataError)
        /// A failure that retrying cannot fix (bad key, signature, permission, a second
        /// `10114`, anything unclassified): the client stops with this typed error.
        case stop(UserDataError)
    }

    /// What the actor must do about one server `info` event (in this order).
    enum InfoAction: Equatable, Sendable {
        /// Report the code to users (``UserDataEvent/serverInfo(code:message:)``).
        case emitServerInfo(code: Int, message: String?)
        /// 20061 while ready: write the inputs held during maintenance.
        case flushOutage
        /// 20051: close the connection so the reconnect loop opens a new one at once (only when
        /// the transport does not reconnect by itself; a shared slot has closed it already).
        case closeConnection
        /// The server speaks another protocol version: log it (the user-data path keeps going;
        /// the auth answer decides whether the session is usable).
        case warnUnsupportedVersion(Int)
    }

    /// Liveness verdict for one periodic check.
    enum Liveness: Equatable, Sendable {
        /// The connection this check belongs to is gone: stop checking.
        case sessionGone
        /// A frame arrived within the timeout.
        case alive
        /// Nothing arrived within the timeout: close the connection (it is replaced).
        case stalled
    }

    /// The current phase (what ``UserDataClient/currentPhase`` reports).
    private(set) var phase: UserDataPhase = .idle
    /// 0-based number of the current connection; -1 before the first.
    private(set) var generation = -1
    /// Between info 20060 and 20061: inputs are held in the outage buffer.
    private(set) var maintenance = false
    /// Info 20051 arrived on the current connection.
    private(set) var serverRequestedReconnect = false
    /// ``UserDataClient/stop()`` was called.
    private(set) var stopRequested = false
    /// The error that stopped the client, if any.
    private(set) var fatalError: UserDataError?
    /// Wall-clock ms of the last frame (reconciliation asks REST for trades since then).
    private(set) var lastFrameWallMillis: Int64 = 0
    private var lastFrameAt: Duration = .zero
    private var stalled = false
    private var authTimedOut = false
    private var nonceRejections = 0

    /// Whether inputs may be written now (ready and not in maintenance).
    var acceptsInputs: Bool { phase == .ready && !maintenance }

    /// `start()` was called: returns false when the client was already stopped.
    mutating func start() -> Bool {
        guard !stopRequested else { return false }
        phase = .connecting
        return true
    }

    /// `stop()` was called: returns false when it already was (stop is idempotent).
    mutating func requestStop() -> Bool {
        guard !stopRequested else { return false }
        stopRequested = true
        return true
    }

    /// A connection attempt starts.
    mutating func connecting() {
        phase = .connecting
    }

    /// A connection opened: a new generation authenticates (every connection authenticates
    /// with a fresh nonce). Returns the generation that timers of this session must carry.
    mutating func connectionOpened() -> Int {
        generation += 1
        phase = .authenticating
        authTimedOut = false
        nonceRejections = 0
        return generation
    }

    /// The auth watchdog of `generation` fired: returns whether the connection must be closed
    /// (still authenticating on that connection); the auth then ends as timed out.
    mutating func authWatchdogFired(generation: Int) -> Bool {
        guard generation == self.generation, phase == .authenticating else { return false }
        authTimedOut = true
        return true
    }

    /// Classifies the server's `auth` answer for the attempt that used `nonce`.
    mutating func authAnswered(_ auth: AuthEvent, nonce: Int64) -> AuthVerdict {
        if auth.isOK { return .authenticated(userID: auth.userId, nonce: nonce) }
        let message = auth.message ?? auth.status
        let kind = UserDataError.AuthFailureKind.classify(code: auth.code?.rawValue, message: message)
        let error = UserDataError.authenticationFailed(kind: kind, code: auth.code?.rawValue, serverText: message)
        guard kind == .nonceTooSmall else { return .stop(error) }
        nonceRejections += 1
        return nonceRejections == 1 ? .retryWithFreshNonce(error) : .stop(error)
    }

    /// The frame stream ended before an `auth` answer: the error the attempt fails with
    /// (retryable: the reconnect loop opens a new connection).
    func authStreamEnded() -> UserDataError {
        authTimedOut ? .authenticationTimedOut : .notConnected
    }

    /// The outcome text recorded in the auth history when the stream ended during auth.
    var authStreamEndOutcome: String { authTimedOut ? "timed out" : "connection closed" }

    /// Authenticated: snapshots are awaited; maintenance state of an earlier connection ends.
    /// Liveness starts counting from `now`.
    mutating func authenticated(now: Duration) {
        phase = .synchronizing
        maintenance = false
        lastFrameAt = now
        stalled = false
    }

    /// Synchronisation finished: inputs flow.
    mutating func synchronized() {
        phase = .ready
    }

    /// A frame arrived at `now` (monotonic) / `wallMillis`.
    mutating func frameReceived(now: Duration, wallMillis: Int64) {
        lastFrameAt = now
        lastFrameWallMillis = wallMillis
    }

    /// A frame arrived during auth (only the wall time matters for reconciliation then).
    mutating func frameReceivedDuringAuth(wallMillis: Int64) {
        lastFrameWallMillis = wallMillis
    }

    /// Periodic liveness check of `generation` at `now` (`connected`: the actor still has a socket).
    mutating func checkLiveness(generation: Int, connected: Bool, now: Duration, timeout: Duration) -> Liveness {
        guard generation == self.generation, connected else { return .sessionGone }
        guard now - lastFrameAt > timeout else { return .alive }
        stalled = true
        return .stalled
    }

    /// Decides what one `info` event means, using the classification shared with the
    /// market-data path (``ServerInfoAction``).
    mutating func receive(info: InfoEvent, transportReconnectsItself: Bool) -> [InfoAction] {
        let code = info.code.map { Int($0.rawValue) }
        var actions: [InfoAction] = []
        if let code { actions.append(.emitServerInfo(code: code, message: info.message)) }
        switch ServerInfoAction.classify(version: info.version.map { Int($0) },
                                         platformStatus: info.platformStatus.map { Int($0) }, code: code) {
        case .reconnectNow:
            serverRequestedReconnect = true
            if !transportReconnectsItself { actions.append(.closeConnection) }
        case .enterMaintenance:
            // A connection info with platform status 0 arrives before auth; authenticating
            // clears it again, as every new session starts outside maintenance.
            maintenance = true
        case .leaveMaintenance:
            maintenance = false
            if phase == .ready { actions.append(.flushOutage) }
        case let .unsupportedVersion(version):
            actions.append(.warnUnsupportedVersion(version))
        case .proceed, .ignore:
            break
        }
        return actions
    }

    /// The reconnect loop consumed the 20051 request (the next attempt is immediate once).
    mutating func takeServerRequestedReconnect() -> Bool {
        defer { serverRequestedReconnect = false }
        return serverRequestedReconnect
    }

    /// Why the current session ended, given the transport's own reason.
    func sessionEndReason(_ transportReason: String) -> String {
        if stopRequested { return "stopped" }
        if stalled { return "connection stalled: no data within the heartbeat timeout" }
        if serverRequestedReconnect { return "server requested reconnect (20051)" }
        return transportReason
    }

    /// The connection is gone: returns whether it was ready (then the account at this moment is
    /// the reconciliation baseline).
    mutating func connectionLost() -> Bool {
        let wasReady = phase == .ready
        if phase != .stopped { phase = .disconnected }
        return wasReady
    }

    /// The client ends with `error` (nil: stopped by the user). Returns whether the phase
    /// changed (then `stopped` is emitted once).
    mutating func finish(fatal error: UserDataError?) -> Bool {
        if let error { fatalError = error }
        guard phase != .stopped else { return false }
        phase = .stopped
        return true
    }

    /// The client gave up or failed fatally before `finish` (status shows the error at once).
    mutating func recordFatal(_ error: UserDataError) {
        fatalError = error
    }
}
