import BfxNonce
import BfxProtocol
import Testing
@testable import BfxClient

/// The session machine alone: auth verdicts, info codes, maintenance, watchdog and liveness,
/// driven with explicit times (no sockets, no clocks).
@Suite struct UserDataSessionMachineTests {
    static let ok = AuthEvent(status: "OK", userId: 42)
    static let nonceSmall = AuthEvent(status: "FAILED", code: .authNonce, message: "nonce: small")
    static let nonceError = UserDataError.authenticationFailed(kind: .nonceTooSmall, code: 10114, serverText: "nonce: small")

    /// A machine whose first connection is authenticated and synchronised.
    static func ready() -> UserDataSessionMachine {
        var machine = UserDataSessionMachine()
        _ = machine.start()
        _ = machine.connectionOpened()
        _ = machine.authAnswered(ok, nonce: 1)
        machine.authenticated(now: .zero)
        machine.synchronized()
        return machine
    }

    static func info(_ code: BfxErrorCode?, version: Int64? = nil, platformStatus: Int64? = nil) -> InfoEvent {
        InfoEvent(version: version, platformStatus: platformStatus, code: code, message: "m")
    }

    @Test func authOKLeadsThroughSynchronisationToReady() {
        var machine = UserDataSessionMachine()
        #expect(machine.phase == .idle)
        let started = machine.start()
        #expect(started && machine.phase == .connecting)
        let generation = machine.connectionOpened()
        #expect(generation == 0 && machine.phase == .authenticating)
        let verdict = machine.authAnswered(Self.ok, nonce: 7)
        #expect(verdict == .authenticated(userID: 42, nonce: 7))
        machine.authenticated(now: .seconds(1))
        #expect(machine.phase == .synchronizing)
        #expect(!machine.acceptsInputs)
        machine.synchronized()
        #expect(machine.phase == .ready)
        #expect(machine.acceptsInputs)
    }

    @Test func authFailureStopsWithTypedError() {
        var machine = UserDataSessionMachine()
        _ = machine.connectionOpened()
        let key = machine.authAnswered(AuthEvent(status: "FAILED", code: .authFail, message: "apikey: invalid"), nonce: 5)
        #expect(key == .stop(.authenticationFailed(kind: .invalidAPIKey, code: 10100, serverText: "apikey: invalid")))
        let signature = machine.authAnswered(AuthEvent(status: "FAILED", code: .authSignature, message: "apikey: digest invalid"), nonce: 6)
        #expect(signature == .stop(.authenticationFailed(kind: .invalidSignature, code: 10112, serverText: "apikey: digest invalid")))
        // Failure without code or message: the status text is the server text, still fatal.
        let bare = machine.authAnswered(AuthEvent(status: "FAILED"), nonce: 7)
        #expect(bare == .stop(.authenticationFailed(kind: .other, code: nil, serverText: "FAILED")))
    }

    @Test func nonceTooSmallAtAuthRetriesOnceWithFreshNonce() {
        var machine = UserDataSessionMachine()
        _ = machine.connectionOpened()
        let first = machine.authAnswered(Self.nonceSmall, nonce: 10)
        #expect(first == .retryWithFreshNonce(Self.nonceError))
        // The nonce manager raised the floor; a second rejection on this connection is fatal.
        let second = machine.authAnswered(Self.nonceSmall, nonce: 11)
        #expect(second == .stop(Self.nonceError))
        // The error is what makes the nonce manager raise the floor and retry.
        #expect(Self.nonceError.signedCallFailure == .nonceTooSmall(serverFloor: nil))
    }

    @Test func nonceTooSmallAtReauthRetriesAgainOnTheNewConnection() {
        var machine = Self.ready()
        _ = machine.authAnswered(Self.nonceSmall, nonce: 1)  // counted on connection 0
        let wasReady = machine.connectionLost()
        #expect(wasReady && machine.phase == .disconnected)
        machine.connecting()
        let generation = machine.connectionOpened()
        #expect(generation == 1 && machine.phase == .authenticating)
        let rejected = machine.authAnswered(Self.nonceSmall, nonce: 20)
        #expect(rejected == .retryWithFreshNonce(Self.nonceError))
        let accepted = machine.authAnswered(Self.ok, nonce: 21)
        #expect(accepted == .authenticated(userID: 42, nonce: 21))
    }

    @Test func serverRestartClosesTheConnectionAndIsConsumedOnce() {
        var machine = Self.ready()
        let actions = machine.receive(info: Self.info(.serverRestart), transportReconnectsItself: false)
        #expect(actions == [.emitServerInfo(code: 20051, message: "m"), .closeConnection])
        #expect(machine.serverRequestedReconnect)
        #expect(machine.sessionEndReason("connection closed by server") == "server requested reconnect (20051)")
        let first = machine.takeServerRequestedReconnect()
        let second = machine.takeServerRequestedReconnect()
        #expect(first && !second)
    }

    @Test func serverRestartOnSelfReconnectingTransportOnlyReports() {
        var machine = Self.ready()
        let actions = machine.receive(info: Self.info(.serverRestart), transportReconnectsItself: true)
        #expect(actions == [.emitServerInfo(code: 20051, message: "m")])
        #expect(machine.serverRequestedReconnect)
    }

    @Test func maintenanceHoldsInputsUntil20061ThenFlushes() {
        var machine = Self.ready()
        let start = machine.receive(info: Self.info(.maintenanceStart), transportReconnectsItself: false)
        #expect(start == [.emitServerInfo(code: 20060, message: "m")])
        #expect(machine.maintenance)
        #expect(!machine.acceptsInputs)
        let end = machine.receive(info: Self.info(.maintenanceEnd), transportReconnectsItself: false)
        #expect(end == [.emitServerInfo(code: 20061, message: "m"), .flushOutage])
        #expect(!machine.maintenance)
        #expect(machine.acceptsInputs)
    }

    @Test func maintenanceEndBeforeReadyDoesNotFlush() {
        var machine = UserDataSessionMachine()
        _ = machine.connectionOpened()
        _ = machine.receive(info: Self.info(.maintenanceStart), transportReconnectsItself: false)
        let end = machine.receive(info: Self.info(.maintenanceEnd), transportReconnectsItself: false)
        #expect(end == [.emitServerInfo(code: 20061, message: "m")])
    }

    @Test func maintenanceOfAnEarlierConnectionEndsWithTheNextAuth() {
        var machine = Self.ready()
        _ = machine.receive(info: Self.info(.maintenanceStart), transportReconnectsItself: false)
        _ = machine.connectionLost()
        _ = machine.connectionOpened()
        // A connection info with platform status 0 also means maintenance…
        let actions = machine.receive(info: Self.info(nil, version: 2, platformStatus: 0), transportReconnectsItself: false)
        #expect(actions.isEmpty)
        #expect(machine.maintenance)
        // …and a new session starts outside it once authenticated.
        machine.authenticated(now: .seconds(5))
        #expect(!machine.maintenance)
    }

    @Test func unknownInfoCodeIsOnlyReported() {
        var machine = Self.ready()
        let unknown = machine.receive(info: Self.info(BfxErrorCode(29999)), transportReconnectsItself: false)
        #expect(unknown == [.emitServerInfo(code: 29999, message: "m")])
        #expect(machine.acceptsInputs)
        #expect(!machine.serverRequestedReconnect)
        // A plain connection info (version 2, operative) needs nothing; another version is logged.
        let operative = machine.receive(info: Self.info(nil, version: 2, platformStatus: 1), transportReconnectsItself: false)
        #expect(operative.isEmpty)
        let version3 = machine.receive(info: Self.info(nil, version: 3), transportReconnectsItself: false)
        #expect(version3 == [.warnUnsupportedVersion(3)])
    }

    @Test func authWatchdogOnlyFiresForTheCurrentAuthenticatingConnection() {
        var machine = UserDataSessionMachine()
        let first = machine.connectionOpened()
        #expect(machine.authStreamEnded() == .notConnected)
        let fired = machine.authWatchdogFired(generation: first)
        #expect(fired)
        #expect(machine.authStreamEnded() == .authenticationTimedOut)
        #expect(machine.authStreamEndOutcome == "timed out")
        let second = machine.connectionOpened()
        let stale = machine.authWatchdogFired(generation: first)
        #expect(!stale)
        #expect(machine.authStreamEnded() == .notConnected)
        _ = machine.authAnswered(Self.ok, nonce: 3)
        machine.authenticated(now: .zero)
        let late = machine.authWatchdogFired(generation: second)
        #expect(!late)
    }

    @Test func livenessDetectsStallAfterTimeout() {
        var machine = Self.ready()
        let generation = machine.generation
        let timeout = Duration.seconds(20)
        machine.frameReceived(now: .seconds(10), wallMillis: 1_000)
        #expect(machine.lastFrameWallMillis == 1_000)
        let alive = machine.checkLiveness(generation: generation, connected: true, now: .seconds(29), timeout: timeout)
        #expect(alive == .alive)
        let stalled = machine.checkLiveness(generation: generation, connected: true, now: .seconds(31), timeout: timeout)
        #expect(stalled == .stalled)
        #expect(machine.sessionEndReason("x") == "connection stalled: no data within the heartbeat timeout")
        let otherSession = machine.checkLiveness(generation: generation + 1, connected: true, now: .seconds(31), timeout: timeout)
        let noSocket = machine.checkLiveness(generation: generation, connected: false, now: .seconds(31), timeout: timeout)
        #expect(otherSession == .sessionGone && noSocket == .sessionGone)
    }

    @Test func stopIsIdempotentAndFinishesOnce() {
        var machine = Self.ready()
        let first = machine.requestStop()
        let second = machine.requestStop()
        #expect(first && !second)
        #expect(machine.sessionEndReason("x") == "stopped")
        let restarted = machine.start()
        #expect(!restarted)
        let finished = machine.finish(fatal: nil)
        #expect(finished && machine.phase == .stopped)
        let again = machine.finish(fatal: .closed)
        #expect(!again && machine.fatalError == .closed)
        let wasReady = machine.connectionLost()
        #expect(!wasReady && machine.phase == .stopped)
    }
}
