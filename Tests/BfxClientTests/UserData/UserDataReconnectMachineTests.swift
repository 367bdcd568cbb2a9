import Testing
@testable import BfxClient

/// Reconnect decisions in virtual time: 20051 versus backoff, fatal ends, give-up, shared mode.
@Suite struct UserDataReconnectMachineTests {
    /// Deterministic schedule: 1 s, ×2, no jitter, at most 3 attempts.
    static let policy = ReconnectPolicy(initialDelay: .seconds(1), multiplier: 2, maxDelay: .seconds(30), jitter: .none,
                                        maxAttempts: 3)

    static func ended(wasReady: Bool, error: UserDataError? = nil) -> UserDataReconnectMachine.SessionEnd {
        .init(reason: "closed", fatal: nil, error: error, wasReady: wasReady)
    }

    @Test func serverRestartReconnectsAtOnceWithoutCountingAFailure() {
        var machine = UserDataReconnectMachine(policy: Self.policy, reconnectsItself: false, seed: 1)
        // An earlier outage left the schedule at attempt 2.
        _ = machine.connectFailed(UserDataError.notConnected, immediate: false, now: .zero)
        _ = machine.connectFailed(UserDataError.notConnected, immediate: false, now: .seconds(1))
        #expect(machine.attempt == 2)
        machine.connectionOpened(now: .seconds(2))
        let ended = machine.sessionEnded(Self.ended(wasReady: true), serverRequestedReconnect: true, now: .seconds(3))
        #expect(ended == nil)
        #expect(machine.attempt == 0)
        let next = machine.next(immediate: true, now: .seconds(3))
        #expect(next == .retry(attempt: 1, delay: .zero))
    }

    @Test func otherLossesBackOffThenGiveUp() {
        var machine = UserDataReconnectMachine(policy: Self.policy, reconnectsItself: false, seed: 1)
        machine.connectionOpened(now: .zero)
        let ended = machine.sessionEnded(Self.ended(wasReady: true), serverRequestedReconnect: false, now: .seconds(1))
        #expect(ended == nil)
        let first = machine.next(immediate: false, now: .seconds(1))
        let second = machine.connectFailed(UserDataError.notConnected, immediate: false, now: .seconds(2))
        let third = machine.connectFailed(UserDataError.notConnected, immediate: false, now: .seconds(3))
        #expect(first == .retry(attempt: 1, delay: .seconds(1)))
        #expect(second == .retry(attempt: 2, delay: .seconds(2)))
        #expect(third == .retry(attempt: 3, delay: .seconds(4)))
        // maxAttempts 3: the fourth attempt gives up with the last error.
        let fourth = machine.connectFailed(UserDataError.notConnected, immediate: false, now: .seconds(4))
        guard case let .giveUp(_, error) = fourth else {
            Issue.record("expected giveUp, got \(fourth)")
            return
        }
        #expect(error == .invalidRequest("connect failed: not connected"))
    }

    @Test func giveUpAfterAFailedSessionReportsItsError() {
        let policy = ReconnectPolicy(initialDelay: .seconds(1), jitter: .none, maxAttempts: 0)
        var machine = UserDataReconnectMachine(policy: policy, reconnectsItself: false, seed: 1)
        machine.connectionOpened(now: .zero)
        let ended = machine.sessionEnded(Self.ended(wasReady: false, error: .authenticationTimedOut),
                                         serverRequestedReconnect: false, now: .seconds(1))
        #expect(ended == nil)
        let next = machine.next(immediate: false, now: .seconds(1))
        guard case let .giveUp(_, error) = next else {
            Issue.record("expected giveUp, got \(next)")
            return
        }
        #expect(error == .authenticationTimedOut)
    }

    @Test func fatalAuthenticationFailureStops() {
        var machine = UserDataReconnectMachine(policy: Self.policy, reconnectsItself: false, seed: 1)
        machine.connectionOpened(now: .zero)
        let failure = UserDataError.authenticationFailed(kind: .invalidAPIKey, code: 10100, serverText: "apikey: invalid")
        let end = UserDataReconnectMachine.SessionEnd.authenticationFailed(failure)
        #expect(end.fatal == failure)
        let action = machine.sessionEnded(end, serverRequestedReconnect: false, now: .seconds(1))
        #expect(action == .stop(failure))
        // Timeouts and lost connections during auth are retried, not fatal.
        #expect(UserDataReconnectMachine.SessionEnd.authenticationFailed(UserDataError.authenticationTimedOut).fatal == nil)
        #expect(UserDataReconnectMachine.SessionEnd.authenticationFailed(CancellationError()).error
                    == .invalidRequest("\(CancellationError())"))
    }

    @Test func selfReconnectingTransportWaitsForItsNextSocket() {
        var machine = UserDataReconnectMachine(policy: Self.policy, reconnectsItself: true, seed: 1)
        machine.connectionOpened(now: .zero)
        let ended = machine.sessionEnded(Self.ended(wasReady: true), serverRequestedReconnect: true, now: .seconds(1))
        #expect(ended == nil)
        let first = machine.next(immediate: true, now: .seconds(1))
        let second = machine.next(immediate: false, now: .seconds(2))
        #expect(first == .awaitTransport(attempt: 1))
        #expect(second == .awaitTransport(attempt: 2))
        // Its `connect()` only fails once the pool gave up: the client stops with that error.
        let typed = machine.connectFailed(UserDataError.notConnected, immediate: false, now: .seconds(3))
        let other = machine.connectFailed(CancellationError(), immediate: false, now: .seconds(3))
        #expect(typed == .stop(.notConnected))
        #expect(other == .stop(.closed))
    }
}
